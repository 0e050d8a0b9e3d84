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
 * @param backend           endpoint type written as backend / endpoint_type (openai, openai-chat)
 * @param label             run label
 * @param modelId           model name
 * @param tokenizerId       tokenizer path or null
 * @param lagWarnMs         schedule-lag p99 above this is reported as a warning
 */
public record StatsOptions(
        List<String> percentileMetrics,
        List<Double> percentiles,
        Map<String, Double> goodputSlosMs,
        String backend,
        String label,
        String modelId,
        String tokenizerId,
        double lagWarnMs) {

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
