package io.aiwatch.tool.loadgen.workload;

import java.nio.file.Path;

/**
 * What to send: the dataset and its shape (vllm bench serve's names where they mean the same).
 *
 * @param datasetName       vLLM's random, custom (JSONL), sharegpt, sonnet, burstgpt, prefix_repetition,
 *                          spec_bench; aiwatch's shared-prefix and multi-turn
 * @param datasetPath       file for custom and sharegpt, else null
 * @param inputLen          random input length in tokens
 * @param outputLen         random output length in tokens; also the default output length for
 *                          JSONL lines without one
 * @param rangeRatio        lengths are uniform in [floor(L(1-r)), ceil(L(1+r))]
 * @param prefixGroups      shared-prefix: number of groups sharing a prefix
 * @param prefixLen         shared-prefix: prefix length in tokens
 * @param turns             multi-turn: user turns per session
 * @param sharegptOutputLen fixed output length for ShareGPT (0: the reference answer's length)
 * @param sharegptMultiTurn use every human turn of a ShareGPT conversation as a session turn
 * @param numPrompts        how many distinct items to build
 * @param seed              seed of every random choice
 * @param args              vLLM's other dataset flags
 */
public record WorkloadSpec(
        String datasetName,
        Path datasetPath,
        int inputLen,
        int outputLen,
        double rangeRatio,
        int prefixGroups,
        int prefixLen,
        int turns,
        int sharegptOutputLen,
        boolean sharegptMultiTurn,
        int numPrompts,
        long seed,
        DatasetArgs args) {

    public WorkloadSpec(
            String datasetName,
            Path datasetPath,
            int inputLen,
            int outputLen,
            double rangeRatio,
            int prefixGroups,
            int prefixLen,
            int turns,
            int sharegptOutputLen,
            boolean sharegptMultiTurn,
            int numPrompts,
            long seed) {
        this(
                datasetName,
                datasetPath,
                inputLen,
                outputLen,
                rangeRatio,
                prefixGroups,
                prefixLen,
                turns,
                sharegptOutputLen,
                sharegptMultiTurn,
                numPrompts,
                seed,
                sharegptOutputLen > 0
                        ? withSharegpt(DatasetArgs.defaults(), sharegptOutputLen)
                        : DatasetArgs.defaults());
    }

    private static DatasetArgs withSharegpt(DatasetArgs a, int len) {
        return new DatasetArgs(
                a.randomPrefixLen(),
                a.outputRangeRatio(),
                a.customOutputLen(),
                len,
                a.noOversample(),
                a.disableShuffle(),
                a.sonnetInputLen(),
                a.sonnetOutputLen(),
                a.sonnetPrefixLen(),
                a.prefixRepetitionPrefixLen(),
                a.prefixRepetitionSuffixLen(),
                a.prefixRepetitionNumPrefixes(),
                a.prefixRepetitionOutputLen(),
                a.specBenchOutputLen(),
                a.specBenchCategory());
    }

    /** Random 1024-in / 128-out prompts, like vllm bench serve's defaults. */
    public static WorkloadSpec random(int numPrompts, int inputLen, int outputLen, long seed) {
        return new WorkloadSpec("random", null, inputLen, outputLen, 0.0, 0, 0, 1, 0, false, numPrompts, seed);
    }

    /**
     * Whether requests ask the server to ignore EOS: vllm bench serve forces it for the random
     * datasets (so generation runs to the requested length); aiwatch's synthetic datasets do the same.
     */
    public boolean ignoreEos() {
        return switch (datasetName) {
            case "random", "random-mm", "shared-prefix", "multi-turn" -> true;
            default -> false;
        };
    }
}
