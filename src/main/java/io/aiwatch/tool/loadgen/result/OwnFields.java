package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * aiwatch's own result fields, written after vLLM's ({@link ResultFields}): failures by reason
 * with the server's error bodies, schedule lag and achieved rate (coordinated omission made
 * visible), warnings, and the histograms an exact merge of worker results needs.
 */
public final class OwnFields {
    /** Distinct error bodies kept per reason. */
    static final int BODIES_PER_REASON = 5;

    private OwnFields() {}

    static void add(Map<String, Object> m, RunResult run, StatsOptions o, Integer good) {
        RunSpec spec = run.spec();
        boolean open = spec.openLoop() || !run.rpsChangeEvents().isEmpty();
        Map<String, Long> errors = new TreeMap<>();
        for (RequestRecord r : run.records()) {
            if (!r.ok()) {
                errors.merge(r.outcome().label(), 1L, Long::sum);
            }
        }
        Map<String, double[]> values = values(run.records(), open);
        List<String> warnings = new ArrayList<>();
        m.put("errors_by_reason", errors);
        m.put("error_bodies", errorBodies(run.records()));
        m.put("percentile_metrics", o.percentileMetrics());
        m.put("metric_percentiles", o.percentiles());
        m.put("good_completed", good);
        m.put("warmup_excluded", run.warmupExcluded());
        m.put("interrupted", run.interrupted());
        m.put("worker_index", spec.workerIndex());
        m.put("worker_count", spec.workerCount());
        m.put("start_epoch_ms", run.startEpochMs());
        m.put("end_epoch_ms", run.startEpochMs() + run.durationNanos() / 1_000_000);
        if (open && run.records().size() > 1) {
            double[] lag = Percentiles.sorted(values.get("schedule_lag"));
            long firstDue = Long.MAX_VALUE;
            long lastDue = Long.MIN_VALUE;
            long firstSend = Long.MAX_VALUE;
            long lastSend = Long.MIN_VALUE;
            for (RequestRecord r : run.records()) {
                firstDue = Math.min(firstDue, r.dueNanos());
                lastDue = Math.max(lastDue, r.dueNanos());
                firstSend = Math.min(firstSend, r.sendNanos());
                lastSend = Math.max(lastSend, r.sendNanos());
            }
            int n = run.records().size();
            double scheduled = (n - 1) / Math.max(1e-9, (lastDue - firstDue) / 1e9);
            double achieved = (n - 1) / Math.max(1e-9, (lastSend - firstSend) / 1e9);
            m.put("scheduled_request_rate", scheduled);
            m.put("achieved_request_rate", achieved);
            m.put("mean_schedule_lag_ms", Percentiles.mean(lag));
            m.put("p99_schedule_lag_ms", Percentiles.percentile(lag, 99));
            m.put("max_schedule_lag_ms", lag.length == 0 ? 0 : lag[lag.length - 1]);
            if (o.percentileMetrics().contains("schedule_lag")) {
                double[] seconds = new double[lag.length];
                for (int i = 0; i < lag.length; i++) {
                    seconds[i] = lag[i] / 1000;
                }
                ResultFields.stats(m, "schedule_lag", seconds, o.percentiles());
            }
            if (Percentiles.percentile(lag, 99) > o.lagWarnMs()) {
                warnings.add(String.format(
                        "CLIENT FELL BEHIND: schedule lag p99 %.2f ms > %.2f ms; the offered load"
                                + " was lower and burstier than requested",
                        Percentiles.percentile(lag, 99), o.lagWarnMs()));
            }
            if (achieved < 0.99 * scheduled && spec.maxConcurrency() == 0) {
                warnings.add(String.format(
                        "ACHIEVED RATE %.1f req/s is %.1f%% below the scheduled %.1f req/s",
                        achieved, 100 * (1 - achieved / scheduled), scheduled));
            }
        }
        if (!errors.isEmpty()) {
            warnings.add("requests failed: " + errors);
        }
        m.put("warnings", warnings);
        m.put("histograms", MetricHistograms.of(run.records(), open).encode());
    }

    /** Per reason, the distinct error bodies the server sent (HTTP status and body start) and how often. */
    static Map<String, List<Map<String, Object>>> errorBodies(List<RequestRecord> records) {
        Map<String, Map<String, Map<String, Object>>> byReason = new TreeMap<>();
        for (RequestRecord r : records) {
            if (r.ok()) {
                continue;
            }
            String body = r.errorBody() != null ? r.errorBody() : r.error();
            if (body == null) {
                continue;
            }
            Map<String, Map<String, Object>> distinct =
                    byReason.computeIfAbsent(r.outcome().label(), k -> new LinkedHashMap<>());
            Map<String, Object> e = distinct.get(body);
            if (e == null) {
                if (distinct.size() >= BODIES_PER_REASON) {
                    continue;
                }
                e = new LinkedHashMap<>();
                e.put("status", r.httpStatus() > 0 ? r.httpStatus() : null);
                e.put("body", body);
                e.put("count", 0L);
                distinct.put(body, e);
            }
            e.put("count", (Long) e.get("count") + 1);
        }
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        byReason.forEach((k, v) -> out.put(k, new ArrayList<>(v.values())));
        return out;
    }

    /**
     * Values in ms per metric: ttft/tpot/e2el of ok requests, all ITL gaps pooled, lag of sent
     * requests, client_queue_time (vLLM's: send minus arrival) and e2el_including_client_queue.
     */
    public static Map<String, double[]> values(List<RequestRecord> records, boolean openLoop) {
        List<Double> ttft = new ArrayList<>();
        List<Double> tpot = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        List<Double> e2el = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        List<Double> queue = new ArrayList<>();
        List<Double> e2elQueue = new ArrayList<>();
        for (RequestRecord r : records) {
            if (openLoop && r.outcome() != Outcome.CANCELLED) {
                lag.add(Math.max(0, r.lagNanos()) / 1e6);
            }
            if (!r.ok()) {
                continue;
            }
            e2el.add(r.e2elNanos() / 1e6);
            double q = r.queueNanos() / 1e6;
            queue.add(q);
            e2elQueue.add(r.e2elNanos() / 1e6 + q);
            if (r.ttftNanos() >= 0) {
                ttft.add(r.ttftNanos() / 1e6);
            }
            if (r.tpotNanos() >= 0) {
                tpot.add(r.tpotNanos() / 1e6);
            }
            for (long g : r.itlNanos()) {
                itl.add(g / 1e6);
            }
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("ttft", ResultFields.unbox(ttft));
        m.put("tpot", ResultFields.unbox(tpot));
        m.put("itl", ResultFields.unbox(itl));
        m.put("e2el", ResultFields.unbox(e2el));
        m.put("schedule_lag", ResultFields.unbox(lag));
        m.put("client_queue_time", ResultFields.unbox(queue));
        m.put("e2el_including_client_queue", ResultFields.unbox(e2elQueue));
        return m;
    }
}
