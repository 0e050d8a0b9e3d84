package io.aiwatch.tool.loadgen.report;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.result.Percentiles;
import io.aiwatch.tool.loadgen.result.ResultFields;
import io.aiwatch.tool.report.Html;
import io.aiwatch.tool.report.Plot;
import io.aiwatch.tool.report.Series;
import io.aiwatch.tool.report.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A self-contained HTML report of one run (inline SVG from {@code tool.report}, no scripts, no
 * network): warnings, the summary as tables with units, latency of every request against its
 * send time (at most 4,000 points; log scale when latencies span decades), completions per second,
 * and the cumulative distributions of TTFT, TPOT, ITL and E2EL.
 */
public final class HtmlReport {
    private static final List<String[]> LATENCIES = List.of(
            new String[] {"ttft", "TTFT"},
            new String[] {"tpot", "TPOT"},
            new String[] {"itl", "ITL"},
            new String[] {"e2el", "E2EL"},
            new String[] {"schedule_lag", "schedule lag"});

    private HtmlReport() {}

    public static void write(Path file, Map<String, Object> result, List<RequestRecord> records) {
        String model = String.valueOf(result.get("model_id"));
        Html h = new Html("aiwatch loadgen: " + model);
        h.h1("aiwatch loadgen: " + model);
        if (result.get("warnings") instanceof List<?> w) {
            for (Object x : w) {
                h.p(String.valueOf(x), "bad");
            }
        }
        h.h2("Summary", "summary").table(run(result)).table(throughput(result)).table(latency(result));
        h.h2("Latency over time", "time");
        h.plot(overTime(records));
        h.plot(completions(records));
        h.h2("Cumulative distributions", "cdf");
        h.plot(cdf(records));
        try {
            h.write(file);
        } catch (IOException e) {
            throw new LoadgenException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static Table run(Map<String, Object> r) {
        Table t = new Table(List.of("run", "value"), false, true);
        row(t, r, "date", "date", "");
        row(t, r, "backend", "endpoint type", "");
        row(t, r, "label", "label", "");
        row(t, r, "request_rate", "request rate", "req/s");
        row(t, r, "burstiness", "burstiness (gamma shape; 1 = Poisson)", "");
        row(t, r, "max_concurrency", "max concurrency", "");
        row(t, r, "duration", "duration", "s");
        row(t, r, "num_prompts", "requests sent", "");
        row(t, r, "completed", "completed", "");
        row(t, r, "failed", "failed", "");
        if (r.get("errors_by_reason") instanceof Map<?, ?> e && !e.isEmpty()) {
            t.row("errors by reason", String.valueOf(e));
        }
        row(t, r, "warmup_excluded", "sent during warm-up (excluded)", "");
        row(t, r, "interrupted", "interrupted", "");
        return t;
    }

    private static Table throughput(Map<String, Object> r) {
        Table t = new Table(List.of("throughput", "value"), false, true);
        row(t, r, "request_throughput", "requests", "req/s");
        row(t, r, "request_goodput", "goodput (requests meeting the SLOs)", "req/s");
        row(t, r, "output_throughput", "output tokens", "tok/s");
        row(t, r, "total_token_throughput", "input + output tokens", "tok/s");
        row(t, r, "max_output_tokens_per_s", "peak output tokens in one second", "tok/s");
        row(t, r, "max_concurrent_requests", "peak requests in flight", "");
        row(t, r, "scheduled_request_rate", "scheduled rate", "req/s");
        row(t, r, "achieved_request_rate", "achieved send rate", "req/s");
        return t;
    }

    /** One row per latency metric: mean, median, SD and every percentile the run computed, in ms. */
    private static Table latency(Map<String, Object> r) {
        List<String> ps = new ArrayList<>();
        if (r.get("metric_percentiles") instanceof List<?> l) {
            l.forEach(x -> ps.add(Percentiles.key(((Number) x).doubleValue())));
        }
        List<String> headers = new ArrayList<>(List.of("latency (ms)", "mean", "median", "SD"));
        headers.addAll(ps);
        boolean[] numeric = new boolean[headers.size()];
        java.util.Arrays.fill(numeric, 1, numeric.length, true);
        Table t = new Table(headers, numeric);
        for (String[] m : LATENCIES) {
            if (!(r.get("mean_" + m[0] + "_ms") instanceof Number)) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(
                    m[1],
                    ms(r.get("mean_" + m[0] + "_ms")),
                    ms(r.get("median_" + m[0] + "_ms")),
                    ms(r.get("std_" + m[0] + "_ms"))));
            for (String p : ps) {
                row.add(ms(r.get(p + "_" + m[0] + "_ms")));
            }
            t.row(row);
        }
        return t;
    }

    private static void row(Table t, Map<String, Object> r, String key, String name, String unit) {
        Object v = r.get(key);
        if (v == null) {
            return;
        }
        String text = v instanceof Double d ? number(d) : String.valueOf(v);
        t.row(name + (unit.isEmpty() ? "" : " (" + unit + ")"), text);
    }

    private static String ms(Object v) {
        return v instanceof Number n ? number(n.doubleValue()) : "";
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a == 0 || a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
    }

    private static Plot overTime(List<RequestRecord> records) {
        List<double[]> ttft = new ArrayList<>();
        List<double[]> e2el = new ArrayList<>();
        int step = Math.max(1, records.size() / 4000);
        for (int i = 0; i < records.size(); i += step) {
            RequestRecord r = records.get(i);
            if (!r.ok()) {
                continue;
            }
            e2el.add(new double[] {r.sendNanos() / 1e9, r.e2elNanos() / 1e6});
            if (r.ttftNanos() >= 0) {
                ttft.add(new double[] {r.sendNanos() / 1e9, r.ttftNanos() / 1e6});
            }
        }
        return Plot.titled("Latency of each request by send time")
                .x("send time since the run's start", "s")
                .y("latency", "ms")
                .logX(false)
                .add(Series.of("E2EL", e2el, true, false))
                .add(Series.of("TTFT", ttft, true, false))
                .note(records.size() > 4000 ? "every " + step + "th request shown" : null);
    }

    private static Plot completions(List<RequestRecord> records) {
        TreeMap<Long, double[]> perSecond = new TreeMap<>();
        for (RequestRecord r : records) {
            if (r.ok() && r.lastTokenNanos() >= 0) {
                double[] c = perSecond.computeIfAbsent(r.lastTokenNanos() / 1_000_000_000L, k -> new double[2]);
                c[0]++;
                c[1] += r.outputTokens();
            }
        }
        List<double[]> reqs = new ArrayList<>();
        if (!perSecond.isEmpty()) {
            for (long s = perSecond.firstKey(); s <= perSecond.lastKey(); s++) {
                double[] c = perSecond.getOrDefault(s, new double[2]);
                reqs.add(new double[] {s + 0.5, c[0]});
            }
        }
        return Plot.titled("Completed requests per second")
                .x("time since the run's start", "s")
                .y("completed", "req/s")
                .logX(false)
                .logY(false)
                .add(Series.of("completed requests", reqs, true, true));
    }

    private static Plot cdf(List<RequestRecord> records) {
        Plot p = Plot.titled("Cumulative distribution of latencies")
                .x("latency", "ms")
                .y("fraction of samples", "0–1")
                .logY(false);
        Map<String, double[]> values = ResultFields.values(records, false);
        for (String[] m : LATENCIES.subList(0, 4)) {
            double[] v = Percentiles.sorted(values.get(m[0]));
            if (v.length == 0) {
                continue;
            }
            List<double[]> pts = new ArrayList<>();
            int s = Math.max(1, v.length / 1000);
            for (int i = 0; i < v.length; i += s) {
                pts.add(new double[] {v[i], (i + 1.0) / v.length});
            }
            pts.add(new double[] {v[v.length - 1], 1.0});
            p.add(Series.of(m[1], pts, false, true));
        }
        return p;
    }
}
