package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Settings of the simulated vLLM server: the latency model of one engine with continuous batching.
 *
 * <p>Step time (simulated seconds) = {@code decode_step_base_ms + decode_step_per_seq_ms * decoding
 * sequences + prefill tokens / prefill_tokens_per_second}. Wall time is simulated time divided by
 * {@code speed}.
 *
 * @param model                  served model name ({@code model_name} label, {@code /v1/models})
 * @param host                   listen address
 * @param port                   listen port; 0 picks a free one
 * @param maxNumSeqs             most sequences running in one batch (vLLM {@code --max-num-seqs})
 * @param maxNumBatchedTokens    token budget of one engine step (prefill chunks + decode tokens)
 * @param kvCapacityTokens       KV-cache size in tokens; requests wait or are preempted when full
 * @param blockSize              KV block size in tokens
 * @param maxModelLen            longest prompt + output in tokens; also bounds the token histograms
 * @param prefillTokensPerSecond prefill throughput, tokens per simulated second
 * @param decodeStepBaseMs       fixed cost of one engine step, simulated milliseconds
 * @param decodeStepPerSeqMs     extra step cost per decoding sequence, simulated milliseconds
 * @param defaultMinTokens       fewest output tokens drawn when a request gives no max_tokens
 * @param defaultMaxTokens       most output tokens drawn when a request gives no max_tokens
 * @param speed                  wall-clock speed-up (100 = a 1 s simulated request takes 10 ms)
 * @param seed                   seed of output lengths and generated text
 * @param httpThreads            most HTTP worker threads (one per open streaming request)
 * @param numSpeculativeTokens   draft tokens proposed per decoding sequence and step (vLLM's
 *                               {@code num_speculative_tokens}); 0 = no speculative decoding
 * @param specAcceptanceRate     probability α that a draft token is accepted given the ones before it
 *                               were (the acceptance rate of Leviathan et al.); a step then yields
 *                               1 + (accepted drafts) tokens, (1 − α^(k+1)) / (1 − α) on average.
 *                               vLLM's metric ratio accepted / drafted comes out lower
 * @param specDraftMs            cost of proposing one draft token for the whole batch, simulated ms
 *                               (a small draft model or head); verifying the drafts costs like
 *                               prefill tokens (k per decoding sequence, at prefill_tokens_per_second)
 * @param enablePrefixCaching    vLLM's automatic prefix caching: full blocks of prompt tokens stay
 *                               cached after use and later prompts that start with them skip their prefill
 */
public record SimulatorConfig(
        @JsonProperty("model") String model,
        @JsonProperty("host") String host,
        @JsonProperty("port") int port,
        @JsonProperty("max_num_seqs") int maxNumSeqs,
        @JsonProperty("max_num_batched_tokens") int maxNumBatchedTokens,
        @JsonProperty("kv_capacity_tokens") int kvCapacityTokens,
        @JsonProperty("block_size") int blockSize,
        @JsonProperty("max_model_len") int maxModelLen,
        @JsonProperty("prefill_tokens_per_second") double prefillTokensPerSecond,
        @JsonProperty("decode_step_base_ms") double decodeStepBaseMs,
        @JsonProperty("decode_step_per_seq_ms") double decodeStepPerSeqMs,
        @JsonProperty("default_min_tokens") int defaultMinTokens,
        @JsonProperty("default_max_tokens") int defaultMaxTokens,
        @JsonProperty("speed") double speed,
        @JsonProperty("seed") long seed,
        @JsonProperty("http_threads") int httpThreads,
        @JsonProperty("num_speculative_tokens") int numSpeculativeTokens,
        @JsonProperty("spec_acceptance_rate") double specAcceptanceRate,
        @JsonProperty("spec_draft_ms") double specDraftMs,
        @JsonProperty("enable_prefix_caching") boolean enablePrefixCaching) {

    /** The settings without speculative decoding, with prefix caching on (vLLM's defaults). */
    public SimulatorConfig(
            String model,
            String host,
            int port,
            int maxNumSeqs,
            int maxNumBatchedTokens,
            int kvCapacityTokens,
            int blockSize,
            int maxModelLen,
            double prefillTokensPerSecond,
            double decodeStepBaseMs,
            double decodeStepPerSeqMs,
            int defaultMinTokens,
            int defaultMaxTokens,
            double speed,
            long seed,
            int httpThreads) {
        this(
                model,
                host,
                port,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                seed,
                httpThreads,
                0,
                0.7,
                1.0,
                true);
    }

    public SimulatorConfig {
        model = model == null || model.isBlank() ? "sim-llama-3.1-8b" : model;
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(maxNumSeqs >= 1, "max_num_seqs must be >= 1");
        require(blockSize >= 1, "block_size must be >= 1");
        require(maxNumBatchedTokens >= 1, "max_num_batched_tokens must be >= 1");
        require(kvCapacityTokens >= blockSize, "kv_capacity_tokens must be >= block_size");
        require(maxModelLen >= 2, "max_model_len must be >= 2");
        require(prefillTokensPerSecond > 0, "prefill_tokens_per_second must be > 0");
        require(decodeStepBaseMs > 0, "decode_step_base_ms must be > 0");
        require(decodeStepPerSeqMs >= 0, "decode_step_per_seq_ms must be >= 0");
        require(
                defaultMinTokens >= 1 && defaultMaxTokens >= defaultMinTokens,
                "need 1 <= default_min_tokens <= default_max_tokens");
        require(speed > 0 && speed <= 1_000_000, "speed must be in (0, 1e6]");
        require(httpThreads >= 8, "http_threads must be >= 8");
        require(numSpeculativeTokens >= 0 && numSpeculativeTokens <= 16, "num_speculative_tokens must be 0..16");
        require(specAcceptanceRate >= 0 && specAcceptanceRate < 1, "spec_acceptance_rate must be in [0, 1)");
        require(specDraftMs >= 0, "spec_draft_ms must be >= 0");
    }

    /** An 8B-class model on one H100: 256 seqs, 64k-token KV cache, 10k prefill tok/s, 10 ms + 0.08 ms/seq steps. */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig(
                null, null, 8000, 256, 2048, 65536, 16, 4096, 10_000, 10.0, 0.08, 16, 256, 1.0, 0, 1200);
    }

    public SimulatorConfig withModel(String m) {
        return new SimulatorConfig(
                m,
                host,
                port,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                seed,
                httpThreads,
                numSpeculativeTokens,
                specAcceptanceRate,
                specDraftMs,
                enablePrefixCaching);
    }

    public SimulatorConfig withListen(String h, int p) {
        return new SimulatorConfig(
                model,
                h,
                p,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                seed,
                httpThreads,
                numSpeculativeTokens,
                specAcceptanceRate,
                specDraftMs,
                enablePrefixCaching);
    }

    public SimulatorConfig withSpeed(double s) {
        return new SimulatorConfig(
                model,
                host,
                port,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                s,
                seed,
                httpThreads,
                numSpeculativeTokens,
                specAcceptanceRate,
                specDraftMs,
                enablePrefixCaching);
    }

    public SimulatorConfig withSeed(long s) {
        return new SimulatorConfig(
                model,
                host,
                port,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                s,
                httpThreads,
                numSpeculativeTokens,
                specAcceptanceRate,
                specDraftMs,
                enablePrefixCaching);
    }

    /** A copy with other engine limits: batch size, KV capacity in tokens and step budget. */
    public SimulatorConfig withEngine(int seqs, int kvTokens, int batchedTokens) {
        return new SimulatorConfig(
                model,
                host,
                port,
                seqs,
                batchedTokens,
                kvTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                seed,
                httpThreads,
                numSpeculativeTokens,
                specAcceptanceRate,
                specDraftMs,
                enablePrefixCaching);
    }

    /** A copy with another step-time model. */
    public SimulatorConfig withTiming(double prefillTokS, double baseMs, double perSeqMs) {
        return new SimulatorConfig(
                model,
                host,
                port,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokS,
                baseMs,
                perSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                seed,
                httpThreads,
                numSpeculativeTokens,
                specAcceptanceRate,
                specDraftMs,
                enablePrefixCaching);
    }

    /** Jackson entry point: keys left out of the YAML take their {@link #defaults()} value. */
    @JsonCreator
    public static SimulatorConfig fromYaml(
            @JsonProperty("model") String model,
            @JsonProperty("host") String host,
            @JsonProperty("port") Integer port,
            @JsonProperty("max_num_seqs") Integer maxNumSeqs,
            @JsonProperty("max_num_batched_tokens") Integer maxNumBatchedTokens,
            @JsonProperty("kv_capacity_tokens") Integer kvCapacityTokens,
            @JsonProperty("block_size") Integer blockSize,
            @JsonProperty("max_model_len") Integer maxModelLen,
            @JsonProperty("prefill_tokens_per_second") Double prefillTokensPerSecond,
            @JsonProperty("decode_step_base_ms") Double decodeStepBaseMs,
            @JsonProperty("decode_step_per_seq_ms") Double decodeStepPerSeqMs,
            @JsonProperty("default_min_tokens") Integer defaultMinTokens,
            @JsonProperty("default_max_tokens") Integer defaultMaxTokens,
            @JsonProperty("speed") Double speed,
            @JsonProperty("seed") Long seed,
            @JsonProperty("http_threads") Integer httpThreads,
            @JsonProperty("num_speculative_tokens") Integer numSpeculativeTokens,
            @JsonProperty("spec_acceptance_rate") Double specAcceptanceRate,
            @JsonProperty("spec_draft_ms") Double specDraftMs,
            @JsonProperty("enable_prefix_caching") Boolean enablePrefixCaching) {
        SimulatorConfig d = defaults();
        return new SimulatorConfig(
                model == null ? d.model : model,
                host == null ? d.host : host,
                or(port, d.port),
                or(maxNumSeqs, d.maxNumSeqs),
                or(maxNumBatchedTokens, d.maxNumBatchedTokens),
                or(kvCapacityTokens, d.kvCapacityTokens),
                or(blockSize, d.blockSize),
                or(maxModelLen, d.maxModelLen),
                or(prefillTokensPerSecond, d.prefillTokensPerSecond),
                or(decodeStepBaseMs, d.decodeStepBaseMs),
                or(decodeStepPerSeqMs, d.decodeStepPerSeqMs),
                or(defaultMinTokens, d.defaultMinTokens),
                or(defaultMaxTokens, d.defaultMaxTokens),
                or(speed, d.speed),
                seed == null ? d.seed : seed,
                or(httpThreads, d.httpThreads),
                or(numSpeculativeTokens, d.numSpeculativeTokens),
                or(specAcceptanceRate, d.specAcceptanceRate),
                or(specDraftMs, d.specDraftMs),
                enablePrefixCaching == null ? d.enablePrefixCaching : enablePrefixCaching);
    }

    /**
     * A copy with speculative decoding ({@code tokens} drafts per step, acceptance rate α, draft
     * cost per token in ms; 0 tokens: off) and prefix caching on or off.
     */
    public SimulatorConfig withFeatures(int tokens, double acceptance, double draftMs, boolean prefixCaching) {
        return new SimulatorConfig(
                model,
                host,
                port,
                maxNumSeqs,
                maxNumBatchedTokens,
                kvCapacityTokens,
                blockSize,
                maxModelLen,
                prefillTokensPerSecond,
                decodeStepBaseMs,
                decodeStepPerSeqMs,
                defaultMinTokens,
                defaultMaxTokens,
                speed,
                seed,
                httpThreads,
                tokens,
                acceptance,
                draftMs,
                prefixCaching);
    }

    private static int or(Integer v, int d) {
        return v == null ? d : v;
    }

    private static double or(Double v, double d) {
        return v == null ? d : v;
    }

    /** Number of KV blocks ({@code num_gpu_blocks} in vLLM's cache config). */
    public int kvBlocks() {
        return kvCapacityTokens / blockSize;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("simulator config: " + message);
        }
    }
}
