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

/**
 * Datasets read from a local file, as vllm bench serve reads them: custom and spec_bench (JSONL),
 * sharegpt (JSON), sonnet (text lines), burstgpt (CSV). No chat template is applied on the client
 * (vLLM applies one to custom prompts unless --skip-chat-template; aiwatch has no Jinja engine and
 * always behaves as with --skip-chat-template), and nothing is downloaded.
 */
final class FileDatasets {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** vLLM's sonnet base prompt. */
    static final String SONNET_BASE = "Pick as many lines as you can from these poem lines:\n";

    private FileDatasets() {}

    /** One JSON object per line of a JSONL file, with its line number. */
    private record Line(JsonNode node, int number) {}

    private static List<Line> jsonl(Path path) {
        List<Line> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(new Line(JSON.readTree(line), lineNo));
                } catch (IOException e) {
                    throw new LoadgenException(
                            path + ":" + lineNo + ": not valid JSON: " + DatasetLoader.firstLine(e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new LoadgenException("cannot read dataset " + path + ": " + e.getMessage());
        }
        return out;
    }

    /**
     * vLLM's custom dataset: {"prompt": ..., "output_tokens": N} per line, shuffled; every item asks
     * for --custom-output-len tokens (256), or, with -1, for its own "output_tokens".
     */
    static List<Conversation> custom(Path path, WorkloadSpec spec, PromptText text) {
        List<Line> lines = jsonl(path);
        List<Conversation> out = new ArrayList<>();
        for (Line l : lines) {
            JsonNode prompt = l.node().get("prompt");
            if (prompt == null || !prompt.isTextual()) {
                throw new LoadgenException(path + ":" + l.number() + ": missing string field \"prompt\"");
            }
            out.add(Conversation.single(
                    prompt.asText(),
                    text.count(prompt.asText()),
                    outputLen(path, l, spec.args().customOutputLen(), "custom")));
        }
        return take(out, spec, path);
    }

    /** vLLM's spec_bench: Spec-Bench's question.jsonl, first turn of each question, optionally one category. */
    static List<Conversation> specBench(Path path, WorkloadSpec spec, PromptText text) {
        List<Conversation> out = new ArrayList<>();
        String category = spec.args().specBenchCategory();
        for (Line l : jsonl(path)) {
            JsonNode turns = l.node().get("turns");
            if (turns == null
                    || !turns.isArray()
                    || turns.isEmpty()
                    || !turns.get(0).isTextual()) {
                throw new LoadgenException(path + ":" + l.number() + ": JSONL file must contain a 'turns' column.");
            }
            if (category != null && !category.equals(l.node().path("category").asText(null))) {
                continue;
            }
            String prompt = turns.get(0).asText();
            out.add(Conversation.single(
                    prompt, text.count(prompt), outputLen(path, l, spec.args().specBenchOutputLen(), "spec_bench")));
        }
        return take(out, spec, path);
    }

    private static int outputLen(Path path, Line l, int fixed, String name) {
        if (fixed != -1) {
            return fixed;
        }
        JsonNode n = l.node().get("output_tokens");
        if (n == null) {
            throw new LoadgenException(path + ":" + l.number() + ": If no output length is provided the " + name
                    + " dataset must contain an 'output_tokens' field.");
        }
        if (!n.canConvertToInt() || n.asInt() < 1) {
            throw new LoadgenException(path + ":" + l.number() + ": Invalid value for 'output_tokens': '" + n
                    + "'. Must be a positive integer.");
        }
        return n.asInt();
    }

    private static List<Conversation> take(List<Conversation> items, WorkloadSpec spec, Path path) {
        if (items.isEmpty()) {
            throw new LoadgenException("dataset " + path + " has no prompts");
        }
        DatasetLoader.shuffle(items, spec);
        return new ArrayList<>(items.subList(0, Math.min(items.size(), spec.numPrompts())));
    }

    /**
     * ShareGPT: an array of {"conversations": [{"from": "human", "value": ...}, {"from": "gpt", ...}]},
     * shuffled. As vLLM: the first human/gpt pair (all pairs with aiwatch's --sharegpt-multi-turn);
     * pairs pruned when the prompt or answer has fewer than 4 tokens (the answer check skipped with
     * --sharegpt-output-len), the prompt more than 1024, or both more than 2048.
     */
    static List<Conversation> shareGpt(Path path, WorkloadSpec spec, PromptText text) {
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new LoadgenException(
                    "cannot read ShareGPT dataset " + path + ": " + DatasetLoader.firstLine(e.getMessage()));
        }
        if (root == null || !root.isArray()) {
            throw new LoadgenException("ShareGPT dataset " + path + " must be a JSON array of conversations");
        }
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode item : root) {
            JsonNode conv = item.get("conversations");
            if (conv != null && conv.isArray() && conv.size() >= 2) {
                entries.add(conv);
            }
        }
        DatasetLoader.shuffle(entries, spec);
        Integer fixed = spec.args().sharegptOutputLen();
        List<Conversation> out = new ArrayList<>();
        for (JsonNode conv : entries) {
            if (out.size() >= spec.numPrompts()) {
                break;
            }
            List<Conversation.Turn> turns = new ArrayList<>();
            for (int i = 0; i + 1 < conv.size(); i += 2) {
                String human = conv.get(i).path("value").asText("");
                String gpt = conv.get(i + 1).path("value").asText("");
                int in = text.count(human);
                int outLen = fixed != null ? fixed : text.count(gpt);
                boolean pruned = in < 4 || (fixed == null && outLen < 4) || in > 1024 || in + outLen > 2048;
                if (pruned) {
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

    /**
     * vLLM's (deprecated) sonnet dataset: the base prompt plus the first lines of the poem as a
     * common prefix (--sonnet-prefix-len) and randomly chosen further lines up to --sonnet-input-len;
     * prompts longer than that are drawn again. Lengths count the raw text (no chat template).
     */
    static List<Conversation> sonnet(Path path, WorkloadSpec spec, PromptText text) {
        List<String> lines;
        try {
            lines = new ArrayList<>();
            for (String l : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                lines.add(l + "\n");
            }
        } catch (IOException e) {
            throw new LoadgenException("cannot read sonnet dataset " + path + ": " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new LoadgenException("sonnet dataset " + path + " is empty");
        }
        DatasetArgs a = spec.args();
        double avg = lines.stream().mapToInt(text::count).average().orElse(1);
        int base = text.count(SONNET_BASE);
        if (a.sonnetInputLen() <= base) {
            throw new LoadgenException("'input_len' must be higher than the base prompt length (" + base + ").");
        }
        int inputLines = (int) Math.round((a.sonnetInputLen() - base) / avg);
        int prefixLines = Math.max((int) Math.round((a.sonnetPrefixLen() - base) / avg), 0);
        StringBuilder prefix = new StringBuilder(SONNET_BASE);
        for (int i = 0; i < Math.min(prefixLines, lines.size()); i++) {
            prefix.append(lines.get(i));
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        List<Conversation> out = new ArrayList<>();
        for (int attempt = 0; out.size() < spec.numPrompts(); attempt++) {
            if (attempt > 100 * spec.numPrompts() + 1000) {
                throw new LoadgenException("sonnet: no prompt of at most --sonnet-input-len " + a.sonnetInputLen()
                        + " tokens could be drawn from " + path);
            }
            StringBuilder p = new StringBuilder(prefix);
            for (int k = 0; k < inputLines - prefixLines; k++) {
                p.append(lines.get(r.nextInt(lines.size())));
            }
            int tokens = text.count(p.toString());
            if (tokens <= a.sonnetInputLen()) {
                out.add(Conversation.single(p.toString(), tokens, a.sonnetOutputLen()));
            }
        }
        return out;
    }

    /**
     * vLLM's burstgpt: the BurstGPT trace CSV; rows of model "GPT-4" with a positive response
     * length, drawn at random (with replacement only when more are needed than there are); each item
     * a synthetic prompt of the row's request tokens asking for its response tokens.
     */
    static List<Conversation> burstGpt(Path path, WorkloadSpec spec, PromptText text) {
        List<int[]> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null) {
                throw new LoadgenException("burstgpt dataset " + path + " is empty");
            }
            List<String> cols = List.of(header.split(","));
            int model = cols.indexOf("Model");
            int req = cols.indexOf("Request tokens");
            int resp = cols.indexOf("Response tokens");
            if (model < 0 || req < 0 || resp < 0) {
                throw new LoadgenException(path + ":1: expected the BurstGPT columns Model, Request tokens and"
                        + " Response tokens, got " + header);
            }
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                String[] f = line.split(",");
                if (f.length <= Math.max(model, Math.max(req, resp)) || !f[model].equals("GPT-4")) {
                    continue;
                }
                try {
                    int in = (int) Double.parseDouble(f[req]);
                    int outLen = (int) Double.parseDouble(f[resp]);
                    if (outLen > 0) {
                        rows.add(new int[] {in, outLen});
                    }
                } catch (NumberFormatException e) {
                    throw new LoadgenException(path + ":" + lineNo + ": not a number: " + line);
                }
            }
        } catch (IOException e) {
            throw new LoadgenException("cannot read burstgpt dataset " + path + ": " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new LoadgenException("burstgpt dataset " + path + " has no GPT-4 rows with response tokens");
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        List<int[]> chosen = new ArrayList<>();
        if (spec.numPrompts() <= rows.size()) {
            List<int[]> copy = new ArrayList<>(rows);
            java.util.Collections.shuffle(copy, new java.util.Random(spec.seed()));
            chosen.addAll(copy.subList(0, spec.numPrompts()));
        } else {
            for (int i = 0; i < spec.numPrompts(); i++) {
                chosen.add(rows.get(r.nextInt(rows.size())));
            }
        }
        List<Conversation> out = new ArrayList<>();
        for (int[] row : chosen) {
            int in = Math.max(1, row[0]);
            out.add(Conversation.single(text.make(in, r), in, row[1]));
        }
        return out;
    }
}
