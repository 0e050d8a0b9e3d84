package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.experiment.run.PlanFile;
import io.aiwatch.tool.experiment.run.RunDirectory;
import io.aiwatch.tool.report.Html;
import io.aiwatch.tool.report.Plot;
import io.aiwatch.tool.report.Series;
import io.aiwatch.tool.report.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's {@code results.json}, {@code report.md} and {@code report.html} from its raw
 * files, and refreshes {@code checksums.sha256}. Works on complete and incomplete runs alike.
 */
public final class Reports {
    public static final String RESULTS = "results.json";
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";

    private Reports() {}

    /** Analyses the run in {@code runDir} and writes its reports; returns the results. */
    public static Results write(Path runDir) throws IOException {
        RunData data = RunData.read(runDir);
        Results r = Analysis.analyze(data);
        RunDirectory.writeJson(runDir.resolve(RESULTS), r);
        GpuTimeline timeline = GpuTimeline.read(data.dir().sampleFiles());
        Files.writeString(runDir.resolve(MARKDOWN), markdown(data, r), StandardCharsets.UTF_8);
        html(data, r, timeline).write(runDir.resolve(HTML));
        data.dir().writeChecksums();
        return r;
    }

    static List<String> banners(RunData data, Results r) {
        List<String> b = new ArrayList<>();
        if (r.simulated()) {
            b.add(
                    "SIMULATOR: these numbers describe aiwatch's vLLM simulator (a continuous-batching latency model),"
                            + " not a GPU and not a real inference server. They show the method and the model's behaviour only.");
        }
        boolean simGpus = data.environments().stream()
                .anyMatch(e -> e.get("gpus") instanceof Map<?, ?> g
                        && String.valueOf(g.get("source")).startsWith("simulated"));
        if (simGpus) {
            b.add("The GPU readings (power, temperature, clocks, throttling) come from simulated GPUs.");
        }
        // a busy host stretches every latency (the client, the server and the daemon wait for a CPU): say so
        // where the numbers are read, not only among the warnings at the end
        r.failures().stream()
                .filter(f -> f.step() == null && f.text().contains(Analysis.LOADED_HOST))
                .findFirst()
                .ifPresent(f -> b.add("SHARED HOST: " + f.text() + "."));
        if (data.manifest().quick()) {
            b.add(
                    "--quick run: shortened for CI (fewer iterations, shorter durations, fewer levels); not for conclusions.");
        }
        if (!"complete".equals(r.state())) {
            b.add("INCOMPLETE run (" + r.state() + "): see Failures and negative results; continue with --resume.");
        }
        return b;
    }

    static String markdown(RunData data, Results r) {
        PlanFile plan = data.plan();
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(plan.id()).append(": ").append(plan.title()).append("\n\n");
        for (String b : banners(data, r)) {
            sb.append("> **").append(b).append("**\n\n");
        }
        sb.append("Run ")
                .append(data.manifest().started())
                .append(" to ")
                .append(
                        data.manifest().ended() == null
                                ? "(not ended)"
                                : data.manifest().ended())
                .append(", state **")
                .append(r.state())
                .append("**. Plots: `report.html`. Statistics: `results.json`.\n\n");
        sb.append("## Hypothesis\n\n").append(plan.hypothesis().strip()).append("\n\n");
        if (!r.claims().isEmpty()) {
            sb.append(ReportTables.claims(r).markdown()).append('\n');
        }
        sb.append("## Method\n\n").append(method(plan)).append("\n\n");
        sb.append(ReportTables.variables(plan).markdown()).append('\n');
        sb.append("Baseline (fixed) parameters:\n\n")
                .append(ReportTables.baseline(plan).markdown())
                .append('\n');
        if (!plan.conditions().isEmpty()) {
            sb.append("Before every iteration the runner waited until these held (the wait is recorded):\n\n");
            plan.conditions().forEach(c -> sb.append("- ").append(c).append('\n'));
            sb.append('\n');
        }
        if (!plan.objectives().isEmpty()) {
            sb.append("Objectives:\n\n")
                    .append(ReportTables.objectives(plan).markdown())
                    .append('\n');
        }
        sb.append("Statistics: ").append(r.statistics()).append("\n\n");
        sb.append("## Environment\n\n")
                .append(ReportTables.environment(data).markdown())
                .append('\n');
        sb.append("## Results\n\n");
        List<String> metrics = ReportTables.metrics(plan, r);
        sb.append("Cells: pooled percentile [95 % bootstrap CI] where the metric comes from histograms; otherwise"
                + " mean ± half the 95 % t-interval (CV) across iterations.\n\n");
        if (!r.knees().isEmpty()) {
            sb.append("### Knee per setting\n\n")
                    .append(ReportTables.knees(r).markdown())
                    .append('\n');
        }
        for (String v : comparisons(plan)) {
            sb.append("### ").append(v == null ? "All steps" : "Varying " + v).append("\n\n");
            sb.append(ReportTables.steps(r, metrics, v).markdown()).append('\n');
        }
        sb.append("## Failures and negative results\n\n");
        if (r.failures().isEmpty()) {
            sb.append("None: every iteration succeeded, every objective and claim held.\n\n");
        } else {
            for (Results.Failure f : r.failures()) {
                sb.append("- **")
                        .append(f.kind())
                        .append("**: ")
                        .append(f.text())
                        .append('\n');
            }
            sb.append('\n');
        }
        sb.append("## Raw data\n\n").append(rawData()).append('\n');
        return sb.toString();
    }

    static String method(PlanFile plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("Workload `")
                .append(plan.workloadKind())
                .append("`: ")
                .append(plan.workloadDescription())
                .append(". ");
        sb.append("Design: ")
                .append(
                        plan.design().equals("matrix")
                                ? "every combination of levels"
                                : "one variable at a time (the others at baseline)")
                .append("; ")
                .append(plan.steps().size())
                .append(" steps, ")
                .append(plan.iterations())
                .append(" iterations each, run ")
                .append(plan.order())
                .append(". ");
        sb.append("Each iteration: ")
                .append(plan.duration())
                .append(" measured after ")
                .append(plan.warmup())
                .append(" warm-up (excluded), then a pause of ")
                .append(plan.pause())
                .append(". ");
        sb.append(
                "Iteration k of every step uses the same seed (common random numbers), so settings are compared on the same requests.");
        if (!plan.method().isBlank()) {
            sb.append("\n\n").append(plan.method().strip());
        }
        return sb.toString();
    }

    static String rawData() {
        return "Everything above is computed from the raw files beside this report: `iterations/*/records.jsonl.gz`"
                + " (every request, times in wall-clock ns as measured; `time_scale` in `iteration.json` converts to"
                + " the reported units), `iterations/*/histograms.json` (HdrHistograms, ns), `iterations/*/iteration.json`"
                + " (conditions, state before/after, throttle residency, summary), `samples/*.tsv.gz` (every daemon"
                + " sample at its resolution), `environment-*.json`, `spec.yaml`, `plan.json`, `manifest.json`."
                + " `sha256sum -c checksums.sha256` checks them. `aiwatch experiment report DIR` recomputes this report.";
    }

    /** The comparisons to show: each varied variable (one at a time), or everything (matrix / none). */
    static List<String> comparisons(PlanFile plan) {
        List<String> out = new ArrayList<>();
        if (plan.design().equals("one_at_a_time")) {
            plan.variables().stream().filter(v -> !v.sweep()).forEach(v -> out.add(v.name()));
        }
        if (out.isEmpty()) {
            out.add(null);
        }
        return out;
    }

    static Html html(RunData data, Results r, GpuTimeline timeline) {
        PlanFile plan = data.plan();
        Html h = new Html(plan.id() + ": " + plan.title());
        h.h1(plan.id() + ": " + plan.title());
        for (String b : banners(data, r)) {
            h.p(b, "banner");
        }
        h.p(
                "Run " + data.manifest().started() + " to "
                        + (data.manifest().ended() == null
                                ? "(not ended)"
                                : data.manifest().ended()) + ", state " + r.state()
                        + ".",
                "muted");
        h.h2("Hypothesis", "hypothesis").p(plan.hypothesis().strip());
        if (!r.claims().isEmpty()) {
            h.table(ReportTables.claims(r));
        }
        h.h2("Method", "method").p(method(plan).replace("`", ""));
        h.table(ReportTables.variables(plan));
        h.h3("Baseline (fixed) parameters").table(ReportTables.baseline(plan));
        if (!plan.conditions().isEmpty()) {
            h.h3("Conditions before every iteration").list(plan.conditions());
        }
        if (!plan.objectives().isEmpty()) {
            h.h3("Objectives").table(ReportTables.objectives(plan));
        }
        h.p("Statistics: " + r.statistics(), "muted");
        h.h2("Environment", "environment").table(ReportTables.environment(data));
        h.h2("Results", "results");
        h.p(
                "Cells: pooled percentile [95 % bootstrap CI] where the metric comes from histograms; otherwise mean ±"
                        + " half the 95 % t-interval (CV) across iterations. Bands in the plots are the same intervals.",
                "muted");
        if (!r.knees().isEmpty()) {
            h.h3("Knee per setting").table(ReportTables.knees(r));
        }
        List<String> metrics = ReportTables.metrics(plan, r);
        for (String v : comparisons(plan)) {
            h.h3(v == null ? "All steps" : "Varying " + v);
            if (r.x() != null) {
                for (String m : plottable(metrics)) {
                    Plot p = metricPlot(r, m, v);
                    if (!p.isEmpty()) {
                        h.plot(p);
                    }
                }
            }
            h.table(ReportTables.steps(r, metrics, v));
        }
        GpuPlots.add(h, timeline, data);
        h.h2("Failures and negative results", "failures");
        if (r.failures().isEmpty()) {
            h.p("None: every iteration succeeded, every objective and claim held.", "good");
        } else {
            Table t = new Table(List.of("kind", "step", "what"));
            r.failures().forEach(f -> t.row(f.kind(), f.step() == null ? "" : f.step(), f.text()));
            h.table(t);
        }
        h.h2("Raw data", "raw").p(rawData().replace("`", ""));
        return h;
    }

    static List<String> plottable(List<String> metrics) {
        return metrics.stream()
                .filter(m -> !m.equals("failed") && !m.equals("completed") && !m.startsWith("count_"))
                .limit(8)
                .toList();
    }

    /** One metric against x: a line per setting of the comparison, with its interval as a band. */
    static Plot metricPlot(Results r, String metric, String variable) {
        String unit = Format.unit(metric);
        Plot p = Plot.titled(metric + " against " + r.x() + (variable == null ? "" : ", varying " + variable))
                .x(r.x(), Format.unit(r.x()))
                .y(metric, unit)
                .zeroY(!unit.equals("ms"));
        Map<String, List<Results.StepResult>> bySetting = new LinkedHashMap<>();
        for (Results.StepResult s : r.steps()) {
            if ((variable == null || s.variables().contains(variable)) && s.x() != null) {
                bySetting.computeIfAbsent(s.setting(), k -> new ArrayList<>()).add(s);
            }
        }
        for (var e : bySetting.entrySet()) {
            List<Results.StepResult> line = new ArrayList<>(e.getValue());
            line.sort((a, b) -> Double.compare(a.x(), b.x()));
            int n = line.size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] lo = new double[n];
            double[] hi = new double[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                Results.StepResult s = line.get(i);
                x[i] = s.x();
                Pooled pv = s.pooled().get(metric);
                Summary sv = s.metrics().get(metric);
                y[i] = pv != null ? pv.value() : sv != null ? sv.mean() : Double.NaN;
                lo[i] = pv != null ? pv.ciLow() : sv != null ? sv.ciLow() : Double.NaN;
                hi[i] = pv != null ? pv.ciHigh() : sv != null ? sv.ciHigh() : Double.NaN;
                any |= !Double.isNaN(y[i]);
            }
            if (any) {
                p.add(Series.withBand(e.getKey(), x, y, lo, hi));
            }
        }
        return p;
    }
}
