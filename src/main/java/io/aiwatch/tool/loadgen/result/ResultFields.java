package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a run as {@code vllm bench serve} writes it (vllm/benchmarks/serve.py,
 * {@code benchmark} and {@code main_async}): the same keys in the same order, one entry per
 * request in every per-request array (in the order requests were issued, failed ones included),
 * vLLM's null conventions ({@code label}, {@code max_concurrency}, {@code request_goodput}) and
 * its aggregate rules ({@code calculate_metrics}): TPOT only over requests with more than one
 * output token, ITL pooled, goodput over all SLOs, percentiles by numpy's linear interpolation,
 * peak output throughput and peak concurrency in one-second buckets from the first successful
 * request. Without --save-detailed the arrays vLLM drops are dropped ({@code latencies} and
 * {@code queue_times} stay). aiwatch's own fields follow vLLM's ({@link OwnFields}).
 *
 * <p>Where aiwatch differs it is by necessity: {@code start_times} are seconds since the run's
 * start (vLLM's are {@code perf_counter} readings: the same differences); an output length the
 * server did not report is the number of token chunks (vLLM re-tokenizes the text); {@code inf}
 * burstiness is written as the string {@code "inf"} (Python writes the non-JSON {@code Infinity}).
 */
public final class ResultFields {
    /** The per-request arrays vLLM removes without --save-detailed. */
    static final List<String> DETAILED_ONLY =
            List.of("input_lens", "output_lens", "start_times", "ttfts", "itls", "generated_texts", "errors");

    private ResultFields() {}

    public static Map<String, Object> compute(RunResult run, StatsOptions o, boolean detailed) {
        Map<String, Object> m = new LinkedHashMap<>();
        RunSpec spec = run.spec();
        long endEpochMs = run.startEpochMs() + run.durationNanos() / 1_000_000;
        m.put("date", new SimpleDateFormat("yyyyMMdd-HHmmss").format(new Date(endEpochMs)));
        m.put("endpoint_type", o.backend());
        m.put("backend", o.backend());
        m.put("label", o.label());
        m.put("model_id", o.modelId());
        m.put("tokenizer_id", o.skipTokenizerInit() ? null : o.tokenizerId() != null ? o.tokenizerId() : o.modelId());
        m.put("num_prompts", spec.numPrompts());
        m.putAll(o.metadata());
        m.put("request_rate", Double.isInfinite(run.requestRate()) ? "inf" : run.requestRate());
        m.put("burstiness", Double.isInfinite(spec.burstiness()) ? "inf" : spec.burstiness());
        m.put("max_concurrency", spec.maxConcurrency() > 0 ? spec.maxConcurrency() : null);
        if (o.rampUp() != null) {
            m.put("ramp_up_strategy", o.rampUp().strategy());
            m.put("ramp_up_start_rps", o.rampUp().startRps());
            m.put("ramp_up_end_rps", o.rampUp().endRps());
        }

        double dur = run.durationNanos() / 1e9;
        List<RequestRecord> all = run.records();
        int n = all.size();
        List<Integer> outputLens = new ArrayList<>(n);
        List<Double> ttfts = new ArrayList<>();
        List<Double> tpots = new ArrayList<>();
        List<Double> allTpots = new ArrayList<>();
        List<Double> itls = new ArrayList<>();
        List<Double> e2els = new ArrayList<>();
        long totalIn = 0;
        long totalOut = 0;
        int completed = 0;
        for (RequestRecord r : all) {
            if (!r.ok()) {
                outputLens.add(0);
                continue;
            }
            int out = r.outputTokens() > 0 ? r.outputTokens() : (o.skipTokenizerInit() ? 1 : r.outputTokens());
            outputLens.add(out);
            totalIn += r.promptTokens();
            totalOut += out;
            double ttft = ttftSeconds(r);
            double latency = latencySeconds(r);
            double tpot = 0;
            if (out > 1) {
                tpot = (latency - ttft) / (out - 1);
                tpots.add(tpot);
            }
            allTpots.add(tpot);
            for (long g : r.itlNanos()) {
                itls.add(g / 1e9);
            }
            ttfts.add(ttft);
            e2els.add(latency);
            completed++;
        }
        Integer good = null;
        if (!o.goodputSlosMs().isEmpty()) {
            int g = 0;
            for (int i = 0; i < e2els.size(); i++) {
                if (meets(o, "ttft", ttfts.get(i))
                        && meets(o, "tpot", allTpots.get(i))
                        && meets(o, "e2el", e2els.get(i))) {
                    g++;
                }
            }
            good = g;
        }
        m.put("duration", dur);
        m.put("completed", completed);
        m.put("failed", n - completed);
        m.put("total_input_tokens", totalIn);
        m.put("total_output_tokens", totalOut);
        m.put("request_throughput", completed / dur);
        m.put("request_goodput", good == null ? null : good / dur);
        m.put("output_throughput", totalOut / dur);
        m.put("total_token_throughput", (totalIn + totalOut) / dur);
        m.put("input_lens", all.stream().map(RequestRecord::promptTokens).toList());
        m.put("output_lens", outputLens);
        m.put("ttfts", all.stream().map(ResultFields::ttftSeconds).toList());
        m.put(
                "itls",
                all.stream()
                        .map(r -> java.util.Arrays.stream(r.itlNanos())
                                .mapToObj(g -> g / 1e9)
                                .toList())
                        .toList());
        m.put("latencies", all.stream().map(ResultFields::latencySeconds).toList());
        m.put("start_times", all.stream().map(r -> r.sendNanos() / 1e9).toList());
        m.put("queue_times", all.stream().map(r -> r.queueNanos() / 1e9).toList());
        m.put(
                "generated_texts",
                all.stream()
                        .map(r -> r.ok() && r.text() != null ? r.text() : "")
                        .toList());
        m.put("errors", all.stream().map(ResultFields::vllmError).toList());
        double[] peaks = BucketPeaks.of(all);
        m.put("max_output_tokens_per_s", peaks[0]);
        m.put("max_concurrent_requests", (int) peaks[1]);
        m.put("rtfx", 0.0);
        if (spec.maxConcurrency() > 0) {
            List<Double> queue = new ArrayList<>();
            List<Double> e2elQueue = new ArrayList<>();
            for (RequestRecord r : all) {
                if (r.ok()) {
                    queue.add(r.queueNanos() / 1e9);
                    e2elQueue.add(latencySeconds(r) + r.queueNanos() / 1e9);
                }
            }
            double[] q = Percentiles.sorted(unbox(queue));
            double[] eq = Percentiles.sorted(unbox(e2elQueue));
            m.put("mean_client_queue_time_ms", Percentiles.mean(q) * 1000);
            m.put("mean_e2el_including_client_queue_ms", Percentiles.mean(eq) * 1000);
            for (double p : o.percentiles()) {
                m.put(Percentiles.key(p) + "_client_queue_time_ms", Percentiles.percentile(q, p) * 1000);
                m.put(Percentiles.key(p) + "_e2el_including_client_queue_ms", Percentiles.percentile(eq, p) * 1000);
            }
        }
        if (!run.rpsChangeEvents().isEmpty()) {
            m.put("rps_change_events", run.rpsChangeEvents());
        }
        Map<String, List<Double>> byMetric = new LinkedHashMap<>();
        if (!o.skipTokenizerInit()) {
            byMetric.put("ttft", ttfts);
            byMetric.put("tpot", tpots);
            byMetric.put("itl", itls);
        }
        byMetric.put("e2el", e2els);
        for (var e : byMetric.entrySet()) {
            if (o.percentileMetrics().contains(e.getKey())) {
                stats(m, e.getKey(), unbox(e.getValue()), o.percentiles());
            }
        }
        if (!detailed) {
            DETAILED_ONLY.forEach(m::remove);
        }
        OwnFields.add(m, run, o, good);
        return m;
    }

    /** mean/median/std/p<P> of one metric in ms, as vLLM's process_one_metric writes them (numpy over seconds, x1000). */
    static void stats(Map<String, Object> m, String metric, double[] seconds, List<Double> percentiles) {
        double[] v = Percentiles.sorted(seconds);
        m.put("mean_" + metric + "_ms", Percentiles.mean(v) * 1000);
        m.put("median_" + metric + "_ms", Percentiles.percentile(v, 50) * 1000);
        m.put("std_" + metric + "_ms", Percentiles.std(v) * 1000);
        for (double p : percentiles) {
            m.put(Percentiles.key(p) + "_" + metric + "_ms", Percentiles.percentile(v, p) * 1000);
        }
    }

    private static boolean meets(StatsOptions o, String metric, double seconds) {
        Double slo = o.goodputSlosMs().get(metric);
        return slo == null || slo / 1000 >= seconds;
    }

    /** vLLM's output.ttft: seconds to the first token chunk, 0.0 when none came (or not streamed). */
    static double ttftSeconds(RequestRecord r) {
        return r.ttftNanos() >= 0 ? r.ttftNanos() / 1e9 : 0.0;
    }

    /** vLLM's output.latency: send to the last token chunk for a success, 0.0 for a failure. */
    static double latencySeconds(RequestRecord r) {
        return r.ok() && r.e2elNanos() >= 0 ? r.e2elNanos() / 1e9 : 0.0;
    }

    /** vLLM's output.error: "" for a success, the HTTP reason phrase for an error status, else the failure. */
    static String vllmError(RequestRecord r) {
        if (r.ok()) {
            return "";
        }
        if (r.httpStatus() > 0 && r.httpStatus() != 200) {
            return HttpReason.of(r.httpStatus());
        }
        return r.error() == null ? r.outcome().label() : r.error();
    }

    static double[] unbox(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /** Exact peak of overlapping [send, send + latency) intervals (sweep line), for aiwatch's own use. */
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
