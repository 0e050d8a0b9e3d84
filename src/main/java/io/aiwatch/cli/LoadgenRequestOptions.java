package io.aiwatch.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** {@code aiwatch loadgen}: what each request carries besides its prompt (vllm bench serve's names and defaults). */
final class LoadgenRequestOptions {
    @Option(names = "--ignore-eos", description = "Send ignore_eos (forced for the random datasets, as in vLLM).")
    boolean ignoreEos;

    @Option(names = "--logprobs", description = "Completions logprobs per token.")
    Integer logprobs;

    @Option(names = "--use-beam-search", description = "Accepted; vllm bench serve ignores it too.")
    boolean useBeamSearch;

    @Option(names = "--extra-body", paramLabel = "JSON", description = "JSON object merged into every request body.")
    String extraBody;

    @Option(
            names = "--request-id-prefix",
            description = "Prefix of each request's x-request-id (default: bench-<8 random hex>-).")
    String requestIdPrefix;

    @Option(
            names = "--lora-modules",
            arity = "1..*",
            description = "Model names (LoRA modules) to spread requests over.")
    List<String> loraModules;

    @Option(
            names = "--lora-assignment",
            defaultValue = "random",
            description = "random or round-robin (default: ${DEFAULT-VALUE}).")
    String loraAssignment;

    @Option(names = "--top-p", description = "Sampling: top_p.")
    Double topP;

    @Option(names = "--top-k", description = "Sampling: top_k.")
    Integer topK;

    @Option(names = "--min-p", description = "Sampling: min_p.")
    Double minP;

    @Option(names = "--temperature", description = "Sampling: temperature (default: the server's).")
    Double temperature;

    @Option(names = "--frequency-penalty", description = "Sampling: frequency_penalty.")
    Double frequencyPenalty;

    @Option(names = "--presence-penalty", description = "Sampling: presence_penalty.")
    Double presencePenalty;

    @Option(names = "--repetition-penalty", description = "Sampling: repetition_penalty.")
    Double repetitionPenalty;

    @Option(
            names = "--disable-response-streaming",
            description = "Do not stream responses (aiwatch; TTFT/TPOT/ITL are then not measured).")
    boolean disableResponseStreaming;
}
