package io.aiwatch.tool.loadgen.workload;

import java.nio.file.Path;

/**
 * What to send: the dataset and its shape (vllm bench serve's names where they mean the same).
 *
 * @param datasetName       random | custom (JSONL) | sharegpt | shared-prefix | multi-turn
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
        long seed) {

    /** Random 1024-in / 128-out prompts, like vllm bench serve's defaults. */
    public static WorkloadSpec random(int numPrompts, int inputLen, int outputLen, long seed) {
        return new WorkloadSpec("random", null, inputLen, outputLen, 0.0, 0, 0, 1, 0, false, numPrompts, seed);
    }

    /** Whether the server should ignore EOS so the requested output length is produced. */
    public boolean ignoreEos() {
        return !datasetName.equals("sharegpt") && !datasetName.equals("custom");
    }
}
