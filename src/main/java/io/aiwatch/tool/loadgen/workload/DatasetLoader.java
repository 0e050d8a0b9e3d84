package io.aiwatch.tool.loadgen.workload;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the workload items of a {@link WorkloadSpec} the way vllm bench serve's datasets do
 * (vllm/benchmarks/datasets): which items, which lengths, shuffled or not, oversampled or not.
 * Every failure names the file and line. Random draws use aiwatch's seeded generator, so the
 * same seed gives the same items in every aiwatch run (not vLLM's numpy sequence).
 */
public final class DatasetLoader {
    /** The dataset names this loader builds. */
    public static final List<String> NAMES = List.of(
            "random",
            "sharegpt",
            "custom",
            "sonnet",
            "burstgpt",
            "prefix_repetition",
            "spec_bench",
            "shared-prefix",
            "multi-turn");

    private DatasetLoader() {}

    public static List<Conversation> load(WorkloadSpec spec, PromptText text) {
        DatasetArgs a = spec.args();
        return switch (spec.datasetName()) {
            case "random" -> SyntheticDatasets.random(spec, text);
            case "shared-prefix" -> SyntheticDatasets.sharedPrefix(spec, text);
            case "multi-turn" -> SyntheticDatasets.multiTurn(spec, text);
            case "prefix_repetition" -> SyntheticDatasets.prefixRepetition(spec, text);
            case "custom", "jsonl" -> oversample(FileDatasets.custom(requirePath(spec), spec, text), spec);
            case "spec_bench" -> oversample(FileDatasets.specBench(requirePath(spec), spec, text), spec);
            case "sharegpt" -> oversample(FileDatasets.shareGpt(requirePath(spec), spec, text), spec);
            case "sonnet" -> FileDatasets.sonnet(requirePath(spec), spec, text);
            case "burstgpt" -> FileDatasets.burstGpt(requirePath(spec), spec, text);
            default ->
                throw new LoadgenException(
                        "unknown --dataset-name '" + spec.datasetName() + "' (expected one of " + NAMES + ")");
        };
    }

    /** Uniform integer in [floor(len(1-r)), ceil(len(1+r))], at least {@code min}. */
    static int drawLength(SplittableRandom r, int len, double ratio, int min) {
        int lo = (int) Math.floor(len * (1 - ratio));
        int hi = (int) Math.ceil(len * (1 + ratio));
        int v = hi > lo ? lo + r.nextInt(hi - lo + 1) : lo;
        return Math.max(min, v);
    }

    /**
     * vLLM's {@code maybe_oversample_requests}: with fewer items than --num-prompts, random items
     * (seeded) are repeated to fill up, unless --no-oversample.
     */
    static List<Conversation> oversample(List<Conversation> items, WorkloadSpec spec) {
        if (spec.args().noOversample() || items.size() >= spec.numPrompts() || items.isEmpty()) {
            return items;
        }
        List<Conversation> out = new ArrayList<>(items);
        SplittableRandom r = new SplittableRandom(spec.seed());
        while (out.size() < spec.numPrompts()) {
            out.add(items.get(r.nextInt(items.size())));
        }
        return out;
    }

    /** A seeded shuffle, unless --disable-shuffle (vLLM shuffles file datasets by default). */
    static <T> void shuffle(List<T> items, WorkloadSpec spec) {
        if (!spec.args().disableShuffle()) {
            Collections.shuffle(items, new java.util.Random(spec.seed()));
        }
    }

    static Path requirePath(WorkloadSpec spec) {
        if (spec.datasetPath() == null) {
            throw new LoadgenException("--dataset-name " + spec.datasetName() + " needs --dataset-path");
        }
        if (!Files.isReadable(spec.datasetPath()) || Files.isDirectory(spec.datasetPath())) {
            throw new LoadgenException("cannot read dataset --dataset-path " + spec.datasetPath()
                    + (Files.exists(spec.datasetPath()) ? " (not a readable file)" : " (no such file)"));
        }
        return spec.datasetPath();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
