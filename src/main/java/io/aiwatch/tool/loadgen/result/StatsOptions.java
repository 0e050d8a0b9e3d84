package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.util.List;
import java.util.Map;

/**
 * What to compute and how to label the result file.
 *
 * @param percentileMetrics metrics to summarise (ttft, tpot, itl, e2el, schedule_lag, client_queue_time,
 *                          e2el_including_client_queue)
 * @param percentiles       percentiles, e.g. 50, 90, 95, 99
 * @param goodputSlosMs     SLOs for goodput by metric (ttft, tpot, e2el) in ms; empty = no goodput
 * @param backend           vLLM's --backend, written as backend / endpoint_type (openai, vllm, openai-chat)
 * @param label             --label, or null (vLLM writes null then and names files by the backend)
 * @param modelId           model id (vLLM's model_id: --model, or the first served model's root)
 * @param tokenizerId       tokenizer id written as tokenizer_id, or null (defaults to the model id)
 * @param lagWarnMs         schedule-lag p99 above this is reported as a warning
 * @param metadata          --metadata KEY=VALUE pairs, written at the top level of the result
 * @param rampUp            --ramp-up-strategy, start and end rps, or null
 * @param skipTokenizerInit --skip-tokenizer-init: tokenizer_id null, no ttft/tpot/itl statistics, output length 1
 *                          when the server reports no usage (vLLM's rules without a tokenizer)
 */
public record StatsOptions(
        List<String> percentileMetrics,
        List<Double> percentiles,
        Map<String, Double> goodputSlosMs,
        String backend,
        String label,
        String modelId,
        String tokenizerId,
        double lagWarnMs,
        Map<String, String> metadata,
        RampUp rampUp,
        boolean skipTokenizerInit) {

    /** vLLM's ramp-up settings as written to the result. */
    public record RampUp(String strategy, int startRps, int endRps) {}

    public StatsOptions(
            List<String> percentileMetrics,
            List<Double> percentiles,
            Map<String, Double> goodputSlosMs,
            String backend,
            String label,
            String modelId,
            String tokenizerId,
            double lagWarnMs) {
        this(
                percentileMetrics,
                percentiles,
                goodputSlosMs,
                backend,
                label,
                modelId,
                tokenizerId,
                lagWarnMs,
                Map.of(),
                null,
                false);
    }

    public static StatsOptions defaults(String model) {
        return new StatsOptions(
                List.of("ttft", "tpot", "itl", "e2el"),
                List.of(50.0, 90.0, 95.0, 99.0),
                Map.of(),
                "openai",
                "openai",
                model,
                null,
                10.0);
    }

    public StatsOptions {
        percentileMetrics = List.copyOf(percentileMetrics);
        percentiles = List.copyOf(percentiles);
        goodputSlosMs = Map.copyOf(goodputSlosMs);
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        for (String m : percentileMetrics) {
            if (!List.of(
                            "ttft",
                            "tpot",
                            "itl",
                            "e2el",
                            "schedule_lag",
                            "client_queue_time",
                            "e2el_including_client_queue")
                    .contains(m)) {
                throw new LoadgenException("unknown metric '" + m + "' in --percentile-metrics (ttft, tpot, itl, e2el,"
                        + " schedule_lag, client_queue_time, e2el_including_client_queue)");
            }
        }
        for (double p : percentiles) {
            if (!(p >= 0 && p <= 100)) {
                throw new LoadgenException("percentile " + p + " in --metric-percentiles is outside [0, 100]");
            }
        }
        for (String k : goodputSlosMs.keySet()) {
            if (!List.of("ttft", "tpot", "e2el").contains(k)) {
                throw new LoadgenException("unknown SLO '" + k + "' in --goodput (ttft, tpot, e2el)");
            }
        }
    }
}
