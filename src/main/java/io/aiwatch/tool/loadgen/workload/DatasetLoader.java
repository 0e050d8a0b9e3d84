package io.aiwatch.tool.loadgen.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds the workload items of a {@link WorkloadSpec}; every failure names the file and line. */
public final class DatasetLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetLoader() {}

    public static List<Conversation> load(WorkloadSpec spec, PromptText text) {
        return switch (spec.datasetName()) {
            case "random" -> random(spec, text);
            case "shared-prefix" -> sharedPrefix(spec, text);
            case "multi-turn" -> multiTurn(spec, text);
            case "custom", "jsonl" -> jsonl(requirePath(spec), spec, text);
            case "sharegpt" -> shareGpt(requirePath(spec), spec, text);
            default ->
                throw new LoadgenException("unknown --dataset-name '" + spec.datasetName()
                        + "' (expected random, custom, sharegpt, shared-prefix, multi-turn)");
        };
    }

    /** Uniform integer in [floor(len(1-r)), ceil(len(1+r))], at least {@code min}. */
    static int drawLength(SplittableRandom r, int len, double ratio, int min) {
        int lo = (int) Math.floor(len * (1 - ratio));
        int hi = (int) Math.ceil(len * (1 + ratio));
        int v = hi > lo ? lo + r.nextInt(hi - lo + 1) : lo;
        return Math.max(min, v);
    }

    private static List<Conversation> random(WorkloadSpec spec, PromptText text) {
        SplittableRandom r = new SplittableRandom(spec.seed());
        List<Conversation> out = new ArrayList<>(spec.numPrompts());
        for (int i = 0; i < spec.numPrompts(); i++) {
            int in = drawLength(r, spec.inputLen(), spec.rangeRatio(), 1);
            int outLen = drawLength(r, spec.outputLen(), spec.rangeRatio(), 1);
            out.add(Conversation.single(text.make(in, r), in, outLen));
        }
        return out;
    }

    private static List<Conversation> sharedPrefix(WorkloadSpec spec, PromptText text) {
        if (spec.prefixGroups() < 1) {
            throw new LoadgenException("--shared-prefix-groups must be >= 1, got " + spec.prefixGroups());
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        String[] prefixes = new String[spec.prefixGroups()];
        for (int g = 0; g < prefixes.length; g++) {
            prefixes[g] = text.make(spec.prefixLen(), r);
        }
        List<Conversation> out = new ArrayList<>(spec.numPrompts());
        for (int i = 0; i < spec.numPrompts(); i++) {
            int in = drawLength(r, spec.inputLen(), spec.rangeRatio(), 1);
            int outLen = drawLength(r, spec.outputLen(), spec.rangeRatio(), 1);
            String prompt = prefixes[r.nextInt(prefixes.length)] + " " + text.make(in, r);
            int tokens = text.exact() ? text.count(prompt) : spec.prefixLen() + in;
            out.add(Conversation.single(prompt, tokens, outLen));
        }
        return out;
    }

    private static List<Conversation> multiTurn(WorkloadSpec spec, PromptText text) {
        if (spec.turns() < 1) {
            throw new LoadgenException("--num-turns must be >= 1, got " + spec.turns());
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        List<Conversation> out = new ArrayList<>(spec.numPrompts());
        for (int i = 0; i < spec.numPrompts(); i++) {
            List<Conversation.Turn> turns = new ArrayList<>();
            for (int t = 0; t < spec.turns(); t++) {
                int in = drawLength(r, spec.inputLen(), spec.rangeRatio(), 1);
                int outLen = drawLength(r, spec.outputLen(), spec.rangeRatio(), 1);
                turns.add(new Conversation.Turn(text.make(in, r), in, outLen));
            }
            out.add(new Conversation(turns));
        }
        return out;
    }

    private static Path requirePath(WorkloadSpec spec) {
        if (spec.datasetPath() == null) {
            throw new LoadgenException("--dataset-name " + spec.datasetName() + " needs --dataset-path");
        }
        if (!Files.isReadable(spec.datasetPath()) || Files.isDirectory(spec.datasetPath())) {
            throw new LoadgenException("cannot read dataset --dataset-path " + spec.datasetPath()
                    + (Files.exists(spec.datasetPath()) ? " (not a readable file)" : " (no such file)"));
        }
        return spec.datasetPath();
    }

    /** JSONL: one object per line with "prompt" and optional "output_tokens" (or "max_tokens"). */
    private static List<Conversation> jsonl(Path path, WorkloadSpec spec, PromptText text) {
        List<Conversation> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null && out.size() < spec.numPrompts()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw new LoadgenException(path + ":" + lineNo + ": not valid JSON: " + firstLine(e.getMessage()));
                }
                JsonNode prompt = node.get("prompt");
                if (prompt == null || !prompt.isTextual()) {
                    throw new LoadgenException(path + ":" + lineNo + ": missing string field \"prompt\"");
                }
                JsonNode maxNode = node.has("output_tokens") ? node.get("output_tokens") : node.get("max_tokens");
                int max = maxNode != null && maxNode.canConvertToInt() ? maxNode.asInt() : spec.outputLen();
                if (max < 1) {
                    throw new LoadgenException(path + ":" + lineNo + ": output_tokens must be >= 1");
                }
                out.add(Conversation.single(prompt.asText(), text.count(prompt.asText()), max));
            }
        } catch (IOException e) {
            throw new LoadgenException("cannot read dataset " + path + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new LoadgenException("dataset " + path + " has no prompts");
        }
        return out;
    }

    /**
     * ShareGPT: an array of {"conversations": [{"from": "human", "value": ...}, {"from": "gpt", ...}]}.
     * Like vllm bench serve: first human/gpt pair only (unless multi-turn), pairs pruned when the
     * prompt or answer has fewer than 4 tokens, the prompt more than 1024, or both more than 2048.
     */
    private static List<Conversation> shareGpt(Path path, WorkloadSpec spec, PromptText text) {
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new LoadgenException("cannot read ShareGPT dataset " + path + ": " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isArray()) {
            throw new LoadgenException("ShareGPT dataset " + path + " must be a JSON array of conversations");
        }
        List<Conversation> out = new ArrayList<>();
        for (JsonNode item : root) {
            if (out.size() >= spec.numPrompts()) {
                break;
            }
            JsonNode conv = item.get("conversations");
            if (conv == null || !conv.isArray() || conv.size() < 2) {
                continue;
            }
            List<Conversation.Turn> turns = new ArrayList<>();
            for (int i = 0; i + 1 < conv.size(); i += 2) {
                String human = conv.get(i).path("value").asText("");
                String gpt = conv.get(i + 1).path("value").asText("");
                int in = text.count(human);
                int outLen = spec.sharegptOutputLen() > 0 ? spec.sharegptOutputLen() : text.count(gpt);
                boolean pruned = in < 4 || outLen < 4 || in > 1024 || in + outLen > 2048;
                if (pruned && spec.sharegptOutputLen() == 0) {
                    break;
                }
                turns.add(new Conversation.Turn(human, in, outLen));
                if (!spec.sharegptMultiTurn()) {
                    break;
                }
            }
            if (!turns.isEmpty()) {
                out.add(new Conversation(turns));
            }
        }
        if (out.isEmpty()) {
            throw new LoadgenException("ShareGPT dataset " + path + " has no usable conversations");
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
