package io.aiwatch.tool.loadgen.workload;

/**
 * The dataset flags of vllm bench serve beyond the random lengths in {@link WorkloadSpec}, with
 * vLLM's defaults ({@link #defaults()}).
 *
 * @param randomPrefixLen          --random-prefix-len: fixed prefix tokens before each random prompt
 * @param outputRangeRatio         output half of --random-range-ratio ({@code {"input":..,"output":..}}),
 *                                 or NaN to use the spec's single ratio
 * @param customOutputLen          --custom-output-len: output tokens of custom/spec_bench items (-1: the file's)
 * @param sharegptOutputLen        --sharegpt-output-len, or null for the reference answer's length
 * @param noOversample             --no-oversample: fewer items than --num-prompts stay fewer
 * @param disableShuffle           --disable-shuffle: file order instead of a seeded shuffle
 * @param sonnetInputLen           --sonnet-input-len
 * @param sonnetOutputLen          --sonnet-output-len
 * @param sonnetPrefixLen          --sonnet-prefix-len
 * @param prefixRepetitionPrefixLen  --prefix-repetition-prefix-len
 * @param prefixRepetitionSuffixLen  --prefix-repetition-suffix-len
 * @param prefixRepetitionNumPrefixes --prefix-repetition-num-prefixes
 * @param prefixRepetitionOutputLen  --prefix-repetition-output-len
 * @param specBenchOutputLen       --spec-bench-output-len
 * @param specBenchCategory        --spec-bench-category, or null for all
 */
public record DatasetArgs(
        int randomPrefixLen,
        double outputRangeRatio,
        int customOutputLen,
        Integer sharegptOutputLen,
        boolean noOversample,
        boolean disableShuffle,
        int sonnetInputLen,
        int sonnetOutputLen,
        int sonnetPrefixLen,
        int prefixRepetitionPrefixLen,
        int prefixRepetitionSuffixLen,
        int prefixRepetitionNumPrefixes,
        int prefixRepetitionOutputLen,
        int specBenchOutputLen,
        String specBenchCategory) {

    /** vLLM's defaults. */
    public static DatasetArgs defaults() {
        return new DatasetArgs(0, Double.NaN, 256, null, false, false, 550, 150, 200, 256, 256, 10, 128, 256, null);
    }
}
