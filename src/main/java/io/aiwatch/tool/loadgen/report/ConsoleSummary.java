package io.aiwatch.tool.loadgen.report;

import io.aiwatch.tool.loadgen.result.Percentiles;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console summary, laid out like vllm bench serve's, plus schedule lag and warnings. */
public final class ConsoleSummary {
    private ConsoleSummary() {}

    public static String render(Map<String, Object> r, StatsOptions o) {
        StringBuilder sb = new StringBuilder();
        sb.append("============ Serving Benchmark Result ============\n");
        line(sb, "Successful requests:", r.get("completed"));
        line(sb, "Failed requests:", r.get("failed"));
        if (r.get("max_concurrency") != null) {
            line(sb, "Maximum request concurrency:", r.get("max_concurrency"));
        }
        line(sb, "Request rate configured (RPS):", r.get("request_rate"));
        line(sb, "Benchmark duration (s):", r.get("duration"));
        line(sb, "Total input tokens:", r.get("total_input_tokens"));
        line(sb, "Total generated tokens:", r.get("total_output_tokens"));
        line(sb, "Request throughput (req/s):", r.get("request_throughput"));
        if (r.get("request_goodput") != null) {
            line(sb, "Request goodput (req/s):", r.get("request_goodput"));
        }
        line(sb, "Output token throughput (tok/s):", r.get("output_throughput"));
        line(sb, "Peak output token throughput (tok/s):", r.get("max_output_tokens_per_s"));
        line(sb, "Peak concurrent requests:", r.get("max_concurrent_requests"));
        line(sb, "Total Token throughput (tok/s):", r.get("total_token_throughput"));
        if (r.containsKey("achieved_request_rate")) {
            line(sb, "Scheduled request rate (req/s):", r.get("scheduled_request_rate"));
            line(sb, "Achieved send rate (req/s):", r.get("achieved_request_rate"));
            line(sb, "Schedule lag p99 (ms):", r.get("p99_schedule_lag_ms"));
            line(sb, "Schedule lag max (ms):", r.get("max_schedule_lag_ms"));
        }
        String[][] names = {
            {"ttft", "Time to First Token"},
            {"tpot", "Time per Output Token (excl. 1st token)"},
            {"itl", "Inter-token Latency"},
            {"e2el", "End-to-end Latency"},
            {"schedule_lag", "Schedule Lag"},
            {"client_queue_time", "Client Queue Time"},
            {"e2el_including_client_queue", "E2EL incl. Client Queue"}
        };
        for (String[] n : names) {
            if (!o.percentileMetrics().contains(n[0]) || !r.containsKey("mean_" + n[0] + "_ms")) {
                continue;
            }
            sb.append(center(n[1])).append('\n');
            line(sb, "Mean " + n[0].toUpperCase(Locale.ROOT) + " (ms):", r.get("mean_" + n[0] + "_ms"));
            line(sb, "Median " + n[0].toUpperCase(Locale.ROOT) + " (ms):", r.get("median_" + n[0] + "_ms"));
            for (double p : o.percentiles()) {
                String k = Percentiles.key(p);
                line(
                        sb,
                        "P" + k.substring(1) + " " + n[0].toUpperCase(Locale.ROOT) + " (ms):",
                        r.get(k + "_" + n[0] + "_ms"));
            }
        }
        sb.append("==================================================\n");
        Object errors = r.get("errors_by_reason");
        if (errors instanceof Map<?, ?> e && !e.isEmpty()) {
            sb.append("Errors by reason: ").append(e).append('\n');
        }
        Object warnings = r.get("warnings");
        if (warnings instanceof List<?> w) {
            for (Object x : w) {
                sb.append("WARNING: ").append(x).append('\n');
            }
        }
        return sb.toString();
    }

    private static String center(String title) {
        int pad = Math.max(0, 50 - title.length() - 2);
        return "-".repeat(pad / 2) + " " + title + " " + "-".repeat(pad - pad / 2);
    }

    private static void line(StringBuilder sb, String label, Object value) {
        String v = value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(value);
        sb.append(String.format(Locale.ROOT, "%-40s%10s%n", label, v));
    }
}
