package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Combines the result files of the workers of one run. Counts and tokens add up; the window runs
 * from the earliest worker start to the latest worker end; percentiles come from the added
 * HdrHistograms (3 significant digits), never from averaging the workers' percentiles.
 * max_concurrent_requests and max_output_tokens_per_s are the sums of the workers' peaks: upper
 * bounds, since peaks of different workers need not coincide.
 */
public final class Merge {
    private Merge() {}

    public static Map<String, Object> merge(List<Map<String, Object>> results, List<String> sources) {
        if (results.isEmpty()) {
            throw new LoadgenException("merge needs at least one result file");
        }
        Map<String, Object> first = results.get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("date", "endpoint_type", "backend", "label", "model_id", "tokenizer_id")) {
            m.put(k, first.get(k));
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long numPrompts = 0;
        long completed = 0;
        long failed = 0;
        long in = 0;
        long out = 0;
        long good = 0;
        boolean goodput = false;
        double peakTokens = 0;
        long peakConcurrency = 0;
        double achieved = 0;
        double scheduled = 0;
        boolean interrupted = false;
        Map<String, Long> errors = new TreeMap<>();
        List<Object> latencies = new ArrayList<>();
        MetricHistograms hist = new MetricHistograms();
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> r = results.get(i);
            String src = sources.get(i);
            if (!(r.get("histograms") instanceof Map<?, ?> h)) {
                throw new LoadgenException(src + " has no \"histograms\": not an aiwatch loadgen result");
            }
            @SuppressWarnings("unchecked")
            Map<String, String> enc = (Map<String, String>) h;
            hist.add(MetricHistograms.decode(enc, src));
            start = Math.min(start, num(r, "start_epoch_ms", src).longValue());
            end = Math.max(end, num(r, "end_epoch_ms", src).longValue());
            numPrompts += num(r, "num_prompts", src).longValue();
            completed += num(r, "completed", src).longValue();
            failed += num(r, "failed", src).longValue();
            in += num(r, "total_input_tokens", src).longValue();
            out += num(r, "total_output_tokens", src).longValue();
            if (r.get("good_completed") instanceof Number g) {
                good += g.longValue();
                goodput = true;
            }
            peakTokens += num(r, "max_output_tokens_per_s", src).doubleValue();
            peakConcurrency += num(r, "max_concurrent_requests", src).longValue();
            if (r.get("achieved_request_rate") instanceof Number a) {
                achieved += a.doubleValue();
                scheduled += ((Number) r.get("scheduled_request_rate")).doubleValue();
            }
            interrupted |= Boolean.TRUE.equals(r.get("interrupted"));
            if (r.get("errors_by_reason") instanceof Map<?, ?> e) {
                e.forEach((k, v) -> errors.merge(String.valueOf(k), ((Number) v).longValue(), Long::sum));
            }
            if (r.get("latencies") instanceof List<?> l) {
                latencies.addAll(l);
            }
        }
        double dur = Math.max(1, end - start) / 1000.0;
        m.put("num_prompts", numPrompts);
        m.put("request_rate", first.get("request_rate"));
        m.put("burstiness", first.get("burstiness"));
        m.put("max_concurrency", first.get("max_concurrency"));
        m.put("duration", dur);
        m.put("completed", completed);
        m.put("failed", failed);
        m.put("total_input_tokens", in);
        m.put("total_output_tokens", out);
        m.put("request_throughput", completed / dur);
        m.put("request_goodput", goodput ? good / dur : null);
        m.put("output_throughput", out / dur);
        m.put("total_token_throughput", (in + out) / dur);
        m.put("max_output_tokens_per_s", peakTokens);
        m.put("max_concurrent_requests", peakConcurrency);
        m.put("latencies", latencies);
        List<String> metrics = strings(first.get("percentile_metrics"), List.of("ttft", "tpot", "itl", "e2el"));
        List<Double> ps = new ArrayList<>();
        if (first.get("metric_percentiles") instanceof List<?> l) {
            l.forEach(x -> ps.add(((Number) x).doubleValue()));
        } else {
            ps.addAll(List.of(50.0, 90.0, 95.0, 99.0));
        }
        for (String metric : metrics) {
            Histogram h = hist.get(metric);
            if (h == null || metric.equals("schedule_lag") && h.getTotalCount() == 0) {
                continue;
            }
            boolean empty = h.getTotalCount() == 0;
            m.put("mean_" + metric + "_ms", empty ? 0 : h.getMean() / 1e6);
            m.put("median_" + metric + "_ms", empty ? 0 : h.getValueAtPercentile(50) / 1e6);
            m.put("std_" + metric + "_ms", empty ? 0 : h.getStdDeviation() / 1e6);
            for (double p : ps) {
                m.put(Percentiles.key(p) + "_" + metric + "_ms", empty ? 0 : h.getValueAtPercentile(p) / 1e6);
            }
        }
        m.put("errors_by_reason", errors);
        m.put("percentile_metrics", metrics);
        m.put("metric_percentiles", ps);
        m.put("good_completed", goodput ? good : null);
        m.put("interrupted", interrupted);
        m.put("worker_count", results.size());
        m.put("start_epoch_ms", start);
        m.put("end_epoch_ms", end);
        m.put("merged_from", sources);
        if (scheduled > 0) {
            Histogram lag = hist.get("schedule_lag");
            m.put("scheduled_request_rate", scheduled);
            m.put("achieved_request_rate", achieved);
            m.put("mean_schedule_lag_ms", lag.getMean() / 1e6);
            m.put("p99_schedule_lag_ms", lag.getValueAtPercentile(99) / 1e6);
            m.put("max_schedule_lag_ms", lag.getMaxValue() / 1e6);
        }
        m.put("histograms", hist.encode());
        return m;
    }

    private static Number num(Map<String, Object> r, String key, String src) {
        if (r.get(key) instanceof Number n) {
            return n;
        }
        throw new LoadgenException(src + ": field \"" + key + "\" missing or not a number");
    }

    private static List<String> strings(Object o, List<String> dflt) {
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return dflt;
    }
}
