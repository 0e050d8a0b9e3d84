package io.aiwatch.source.inference;

import io.aiwatch.collect.MetricType;
import java.util.List;
import java.util.Map;

/**
 * vLLM's metric names, across versions, mapped to the aiwatch families they feed.
 *
 * <p>Keys are vLLM base names: without the {@code vllm:} prefix and without the {@code _total}
 * that 0.0.4 counters carry (OpenMetrics family names lack it), so both formats and both the v0
 * and v1 declarations land on one key. Where a version exposes the old and the new name side by
 * side (0.9-0.12 with {@code --show-hidden-metrics-for-version}), the current name wins.
 */
final class VllmNames {
    /** One aiwatch output family and the vLLM names that feed it, current name first. */
    record Target(String family, MetricType type, String help, List<String> sources, boolean windowed) {}

    static final List<Target> TARGETS = List.of(
            new Target(
                    "aiwatch_inference_time_to_first_token_seconds",
                    MetricType.HISTOGRAM,
                    "Time to first token per request (vLLM server-side, from arrival), seconds; vLLM's buckets.",
                    List.of("time_to_first_token_seconds"),
                    true),
            new Target(
                    "aiwatch_inference_inter_token_latency_seconds",
                    MetricType.HISTOGRAM,
                    "Time between successive token outputs of a request, seconds; vLLM's buckets.",
                    List.of("inter_token_latency_seconds", "time_per_output_token_seconds"),
                    true),
            new Target(
                    "aiwatch_inference_e2e_request_latency_seconds",
                    MetricType.HISTOGRAM,
                    "End-to-end request latency (arrival to last token), seconds; vLLM's buckets.",
                    List.of("e2e_request_latency_seconds"),
                    true),
            new Target(
                    "aiwatch_inference_queue_time_seconds",
                    MetricType.HISTOGRAM,
                    "Time requests spent waiting before first scheduled, seconds; vLLM's buckets.",
                    List.of("request_queue_time_seconds", "time_in_queue_requests"),
                    true),
            new Target(
                    "aiwatch_inference_requests_running",
                    MetricType.GAUGE,
                    "Requests in model execution batches.",
                    List.of("num_requests_running"),
                    false),
            new Target(
                    "aiwatch_inference_requests_waiting",
                    MetricType.GAUGE,
                    "Requests waiting to be scheduled.",
                    List.of("num_requests_waiting"),
                    false),
            new Target(
                    "aiwatch_inference_kv_cache_usage_ratio",
                    MetricType.GAUGE,
                    "Fraction of KV-cache blocks in use, 0 to 1.",
                    List.of("kv_cache_usage_perc", "gpu_cache_usage_perc"),
                    false),
            new Target(
                    "aiwatch_inference_prompt_tokens_total",
                    MetricType.COUNTER,
                    "Prefill (prompt) tokens processed.",
                    List.of("prompt_tokens"),
                    false),
            new Target(
                    "aiwatch_inference_generation_tokens_total",
                    MetricType.COUNTER,
                    "Generation (output) tokens processed.",
                    List.of("generation_tokens"),
                    false),
            new Target(
                    "aiwatch_inference_preemptions_total",
                    MetricType.COUNTER,
                    "Requests preempted by the scheduler.",
                    List.of("num_preemptions"),
                    false),
            new Target(
                    "aiwatch_inference_requests_finished_total",
                    MetricType.COUNTER,
                    "Finished requests by finished_reason (vLLM request_success; includes aborted requests).",
                    List.of("request_success"),
                    false),
            new Target(
                    "aiwatch_inference_prefix_cache_queries_total",
                    MetricType.COUNTER,
                    "Prefix-cache queries, tokens (blocks before vLLM 0.9).",
                    List.of("prefix_cache_queries", "gpu_prefix_cache_queries"),
                    false),
            new Target(
                    "aiwatch_inference_prefix_cache_hits_total",
                    MetricType.COUNTER,
                    "Prefix-cache hits, tokens (blocks before vLLM 0.9).",
                    List.of("prefix_cache_hits", "gpu_prefix_cache_hits"),
                    false));

    /** Old name to current name, for the documentation and for tests. */
    static final Map<String, String> RENAMES = Map.of(
            "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc",
            "vllm:time_per_output_token_seconds", "vllm:inter_token_latency_seconds",
            "vllm:gpu_prefix_cache_queries", "vllm:prefix_cache_queries",
            "vllm:gpu_prefix_cache_hits", "vllm:prefix_cache_hits",
            "vllm:time_in_queue_requests", "vllm:request_queue_time_seconds");

    /** Label kept from the source besides model/engine: the finished reason of finished requests. */
    static final String FINISHED_REASON = "finished_reason";

    private VllmNames() {}

    /** The base name of a parsed family: no {@code vllm:} prefix, no counter {@code _total}; null when not vLLM's. */
    static String baseName(PromFamily family) {
        String name = family.name();
        if (!name.startsWith("vllm:")) {
            return null;
        }
        String base = name.substring(5);
        if (family.type() != PromType.HISTOGRAM && base.endsWith("_total")) {
            base = base.substring(0, base.length() - 6);
        }
        return base;
    }
}
