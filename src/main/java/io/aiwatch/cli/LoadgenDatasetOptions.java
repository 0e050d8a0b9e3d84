package io.aiwatch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code aiwatch loadgen}: the dataset (vllm bench serve's names and defaults, plus aiwatch's own datasets). */
final class LoadgenDatasetOptions {
    @Option(
            names = "--dataset-name",
            defaultValue = "random",
            description = "random, sharegpt, custom, sonnet, burstgpt, prefix_repetition, spec_bench;"
                    + " aiwatch's shared-prefix, multi-turn (default: ${DEFAULT-VALUE}).")
    String datasetName;

    @Option(names = "--dataset-path", description = "The dataset's local file.")
    Path datasetPath;

    @Option(
            names = "--no-stream",
            description = "vLLM's: load the dataset without streaming (no effect: aiwatch reads local files whole).")
    boolean noStream;

    @Option(names = "--no-oversample", description = "Fewer items than --num-prompts stay fewer.")
    boolean noOversample;

    @Option(names = "--skip-chat-template", description = "Accepted; aiwatch never applies a chat template itself.")
    boolean skipChatTemplate;

    @Option(names = "--disable-shuffle", description = "Dataset items in file order.")
    boolean disableShuffle;

    @Option(names = "--input-len", description = "Input length of random and sonnet.")
    Integer inputLen;

    @Option(names = "--output-len", description = "Output length of every dataset.")
    Integer outputLen;

    @Option(
            names = "--random-input-len",
            defaultValue = "1024",
            description = "Random prompt length in tokens (default: ${DEFAULT-VALUE}).")
    int randomInputLen;

    @Option(
            names = "--random-output-len",
            defaultValue = "128",
            description = "Random output tokens (default: ${DEFAULT-VALUE}).")
    int randomOutputLen;

    @Option(
            names = "--random-range-ratio",
            defaultValue = "0.0",
            description =
                    "Lengths uniform in [L(1-r), L(1+r)]; or {\"input\": r, \"output\": r} (default: ${DEFAULT-VALUE}).")
    String randomRangeRatio;

    @Option(
            names = "--random-prefix-len",
            defaultValue = "0",
            description = "Fixed prefix tokens before each random prompt (default: ${DEFAULT-VALUE}).")
    int randomPrefixLen;

    @Option(names = "--random-batch-size", defaultValue = "1", description = "Embeddings only: must be 1.")
    int randomBatchSize;

    @Option(names = "--no-reranker", description = "Reranking only: no effect here.")
    boolean noReranker;

    @Option(
            names = "--custom-output-len",
            defaultValue = "256",
            description = "Output tokens of custom items; -1: each line's output_tokens (default: ${DEFAULT-VALUE}).")
    int customOutputLen;

    @Option(names = "--sharegpt-output-len", description = "Fixed ShareGPT output length (default: the answer's).")
    Integer sharegptOutputLen;

    @Option(names = "--sharegpt-multi-turn", description = "Use all turns of ShareGPT conversations as sessions.")
    boolean sharegptMultiTurn;

    @Option(names = "--sonnet-input-len", defaultValue = "550", description = "Sonnet input tokens.")
    int sonnetInputLen;

    @Option(names = "--sonnet-output-len", defaultValue = "150", description = "Sonnet output tokens.")
    int sonnetOutputLen;

    @Option(names = "--sonnet-prefix-len", defaultValue = "200", description = "Sonnet shared prefix tokens.")
    int sonnetPrefixLen;

    @Option(names = "--prefix-repetition-prefix-len", defaultValue = "256", description = "Prefix tokens.")
    int prefixRepetitionPrefixLen;

    @Option(names = "--prefix-repetition-suffix-len", defaultValue = "256", description = "Suffix tokens.")
    int prefixRepetitionSuffixLen;

    @Option(names = "--prefix-repetition-num-prefixes", defaultValue = "10", description = "Distinct prefixes.")
    int prefixRepetitionNumPrefixes;

    @Option(names = "--prefix-repetition-output-len", defaultValue = "128", description = "Output tokens.")
    int prefixRepetitionOutputLen;

    @Option(names = "--spec-bench-output-len", defaultValue = "256", description = "Spec-Bench output tokens.")
    int specBenchOutputLen;

    @Option(names = "--spec-bench-category", description = "Spec-Bench category (default: all).")
    String specBenchCategory;

    @Option(
            names = "--shared-prefix-groups",
            defaultValue = "8",
            description = "shared-prefix: groups sharing a prefix (default: ${DEFAULT-VALUE}).")
    int prefixGroups;

    @Option(
            names = "--shared-prefix-len",
            defaultValue = "512",
            description = "shared-prefix: prefix length in tokens (default: ${DEFAULT-VALUE}).")
    int prefixLen;

    @Option(names = "--num-turns", defaultValue = "3", description = "multi-turn: user turns per session.")
    int turns;
}
