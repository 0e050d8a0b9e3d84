package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of a run as vllm bench serve's JSON fields (same names, units and definitions, see
 * bench_serve_result_fields.csv), plus fields of our own that vLLM does not have: schedule lag,
 * achieved rate, errors by reason, and the histograms needed for an exact merge.
 */
public final class ResultFields {
    private ResultFields() {}

    public static Map<String, Object> compute(RunResult run, StatsOptions o, boolean detailed) {
        Map<String, Object> m = new LinkedHashMap<>();
        RunSpec spec = run.spec();
        m.put("date", new SimpleDateFormat("yyyyMMdd-HHmmss").format(new Date(run.startEpochMs())));
        m.put("endpoint_type", o.backend());
        m.put("backend", o.backend());
        m.put("label", o.label());
        m.put("model_id", o.modelId());
        m.put("tokenizer_id", o.tokenizerId() == null ? o.modelId() : o.tokenizerId());
        m.put("num_prompts", run.records().size() + run.warmupExcluded());
        m.put("request_rate", Double.isInfinite(run.requestRate()) ? "inf" : run.requestRate());
        m.put("burstiness", Double.isInfinite(spec.burstiness()) ? "inf" : spec.burstiness());
        m.put("max_concurrency", spec.maxConcurrency() > 0 ? spec.maxConcurrency() : null);

        double dur = run.durationNanos() / 1e9;
        List<RequestRecord> ok = new ArrayList<>();
        Map<String, Long> errors = new TreeMap<>();
        for (RequestRecord r : run.records()) {
            if (r.ok()) {
                ok.add(r);
            } else {
                errors.merge(r.outcome().label(), 1L, Long::sum);
            }
        }
        long in = 0;
        long out = 0;
        for (RequestRecord r : ok) {
            in += r.promptTokens();
            out += r.outputTokens();
        }
        long good = o.goodputSlosMs().isEmpty()
                ? -1
                : ok.stream().filter(r -> good(r, o)).count();
        m.put("duration", dur);
        m.put("completed", ok.size());
        m.put("failed", run.records().size() - ok.size());
        m.put("total_input_tokens", in);
        m.put("total_output_tokens", out);
        m.put("request_throughput", ok.size() / dur);
        m.put("request_goodput", good < 0 ? null : good / dur);
        m.put("output_throughput", out / dur);
        m.put("total_token_throughput", (in + out) / dur);
        m.put("max_output_tokens_per_s", maxTokensPerSecond(ok));
        m.put("max_concurrent_requests", maxConcurrency(run.records()));
        List<Double> lat = new ArrayList<>();
        for (RequestRecord r : ok) {
            lat.add(r.e2elNanos() / 1e9);
        }
        m.put("latencies", lat);

        Map<String, double[]> values = values(run.records(), spec.openLoop());
        boolean queued = spec.maxConcurrency() > 0 && spec.openLoop();
        for (String metric : o.percentileMetrics()) {
            if (metric.equals("schedule_lag") && !spec.openLoop()
                    || (metric.equals("client_queue_time") || metric.equals("e2el_including_client_queue"))
                            && !queued) {
                continue;
            }
            double[] v = Percentiles.sorted(values.get(metric));
            m.put("mean_" + metric + "_ms", Percentiles.mean(v));
            m.put("median_" + metric + "_ms", Percentiles.percentile(v, 50));
            m.put("std_" + metric + "_ms", Percentiles.std(v));
            for (double p : o.percentiles()) {
                m.put(Percentiles.key(p) + "_" + metric + "_ms", Percentiles.percentile(v, p));
            }
        }
        if (detailed) {
            m.put("input_lens", ok.stream().map(RequestRecord::promptTokens).toList());
            m.put(
                    "output_lens",
                    run.records().stream()
                            .map(r -> r.ok() ? r.outputTokens() : 0)
                            .toList());
            m.put(
                    "ttfts",
                    run.records().stream()
                            .map(r -> r.ttftNanos() < 0 ? 0.0 : r.ttftNanos() / 1e9)
                            .toList());
            m.put(
                    "itls",
                    run.records().stream()
                            .map(r -> java.util.Arrays.stream(r.itlNanos())
                                    .mapToObj(g -> g / 1e9)
                                    .toList())
                            .toList());
            m.put(
                    "start_times",
                    run.records().stream().map(r -> r.sendNanos() / 1e9).toList());
            m.put(
                    "errors",
                    run.records().stream()
                            .map(r -> r.error() == null ? "" : r.error())
                            .toList());
        }
        addOwnFields(m, run, o, values, errors, good);
        return m;
    }

    private static void addOwnFields(
            Map<String, Object> m,
            RunResult run,
            StatsOptions o,
            Map<String, double[]> values,
            Map<String, Long> errors,
            long good) {
        RunSpec spec = run.spec();
        List<String> warnings = new ArrayList<>();
        m.put("errors_by_reason", errors);
        m.put("percentile_metrics", o.percentileMetrics());
        m.put("metric_percentiles", o.percentiles());
        m.put("good_completed", good < 0 ? null : good);
        m.put("warmup_excluded", run.warmupExcluded());
        m.put("interrupted", run.interrupted());
        m.put("worker_index", spec.workerIndex());
        m.put("worker_count", spec.workerCount());
        m.put("start_epoch_ms", run.startEpochMs());
        m.put("end_epoch_ms", run.startEpochMs() + run.durationNanos() / 1_000_000);
        if (spec.openLoop() && run.records().size() > 1) {
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
        m.put("histograms", MetricHistograms.of(run.records(), spec.openLoop()).encode());
    }

    /** A request is good when every given SLO holds (value <= SLO); <= 1 output token counts as TPOT 0. */
    static boolean good(RequestRecord r, StatsOptions o) {
        for (var e : o.goodputSlosMs().entrySet()) {
            double ms = switch (e.getKey()) {
                case "ttft" -> (r.ttftNanos() >= 0 ? r.ttftNanos() : r.e2elNanos()) / 1e6;
                case "tpot" -> r.tpotNanos() >= 0 ? r.tpotNanos() / 1e6 : 0;
                default -> r.e2elNanos() / 1e6;
            };
            if (ms > e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Values in ms per metric: ttft/tpot/e2el of ok requests, all ITL gaps pooled, lag of sent
     * requests; client_queue_time (vLLM's, recent main) is the lag of ok requests, which under
     * --max-concurrency is the wait for a slot, and e2el_including_client_queue adds it to E2EL.
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
            double q = Math.max(0, r.lagNanos()) / 1e6;
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
        m.put("ttft", unbox(ttft));
        m.put("tpot", unbox(tpot));
        m.put("itl", unbox(itl));
        m.put("e2el", unbox(e2el));
        m.put("schedule_lag", unbox(lag));
        m.put("client_queue_time", unbox(queue));
        m.put("e2el_including_client_queue", unbox(e2elQueue));
        return m;
    }

    private static double[] unbox(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /** Token times rebuilt as send + ttft + cumsum(itl), in 1-s buckets; the fullest bucket. */
    static double maxTokensPerSecond(List<RequestRecord> ok) {
        Map<Long, Long> buckets = new java.util.HashMap<>();
        for (RequestRecord r : ok) {
            if (r.firstTokenNanos() < 0) {
                continue;
            }
            long t = r.firstTokenNanos();
            buckets.merge(t / 1_000_000_000L, 1L, Long::sum);
            for (long g : r.itlNanos()) {
                t += g;
                buckets.merge(t / 1_000_000_000L, 1L, Long::sum);
            }
        }
        return buckets.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Exact peak of overlapping [send, send + latency) intervals (sweep line). */
    public static int maxConcurrency(List<RequestRecord> records) {
        List<long[]> events = new ArrayList<>();
        for (RequestRecord r : records) {
            long end = r.lastTokenNanos() >= 0 ? r.lastTokenNanos() : r.sendNanos();
            events.add(new long[] {r.sendNanos(), 1});
            events.add(new long[] {Math.max(end, r.sendNanos()), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int cur = 0;
        int max = 0;
        for (long[] e : events) {
            cur += (int) e[1];
            max = Math.max(max, cur);
        }
        return max;
    }
}
