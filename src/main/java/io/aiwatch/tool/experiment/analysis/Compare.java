package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.report.Html;
import io.aiwatch.tool.report.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Two runs side by side: steps matched by their parameters, each metric with both values, the
 * ratio B/A, and whether the difference is larger than the noise (Welch's test on the
 * per-iteration values; 95 % CI of B − A excludes zero). Both runs are recomputed from their
 * raw files.
 */
public final class Compare {
    private final Path a;
    private final Path b;
    private final Results ra;
    private final Results rb;
    private final Table table;
    private final List<String> unmatched = new ArrayList<>();

    private Compare(Path a, Path b, Results ra, Results rb, List<String> metrics) {
        this.a = a;
        this.b = b;
        this.ra = ra;
        this.rb = rb;
        this.table = new Table(
                List.of("step (A / B)", "setting", "metric", "A", "B", "B / A", "B − A (95 % CI)", "p", "beyond noise"),
                false,
                false,
                false,
                true,
                true,
                true,
                true,
                true,
                false);
        for (Results.StepResult sa : ra.steps()) {
            Results.StepResult sb = rb.steps().stream()
                    .filter(s -> Analysis.sameParameters(s.parameters(), sa.parameters()))
                    .findFirst()
                    .orElse(null);
            if (sb == null) {
                unmatched.add("A " + sa.id() + " (" + sa.label() + ") has no step with the same parameters in B");
                continue;
            }
            for (String m : metrics) {
                row(sa, sb, m);
            }
        }
    }

    public static Compare of(Path runA, Path runB) throws IOException {
        RunData da = RunData.read(runA);
        RunData db = RunData.read(runB);
        Results ra = Analysis.analyze(da);
        Results rb = Analysis.analyze(db);
        Set<String> metrics = new LinkedHashSet<>(ReportTables.metrics(da.plan(), ra));
        metrics.retainAll(new LinkedHashSet<>(ReportTables.metrics(db.plan(), rb)));
        return new Compare(runA, runB, ra, rb, List.copyOf(metrics));
    }

    private void row(Results.StepResult sa, Results.StepResult sb, String m) {
        Pooled pa = sa.pooled().get(m);
        Pooled pb = sb.pooled().get(m);
        Summary xa = sa.metrics().get(m);
        Summary xb = sb.metrics().get(m);
        double va = pa != null ? pa.value() : xa != null ? xa.mean() : Double.NaN;
        double vb = pb != null ? pb.value() : xb != null ? xb.mean() : Double.NaN;
        if (Double.isNaN(va) && Double.isNaN(vb)) {
            return;
        }
        Summary.Difference d = xa != null && xb != null ? Summary.welch(xb, xa) : null;
        table.row(
                sa.id() + " / " + sb.id(),
                sa.label(),
                m,
                ReportTables.cell(sa, m),
                ReportTables.cell(sb, m),
                va == 0 || Double.isNaN(va) || Double.isNaN(vb) ? "n/a" : Format.number(vb / va),
                d == null || Double.isNaN(d.ciLow())
                        ? "n/a"
                        : Format.number(d.difference()) + " [" + Format.number(d.ciLow()) + ", "
                                + Format.number(d.ciHigh()) + "]",
                d == null ? "n/a" : Format.number(d.p()),
                d == null || Double.isNaN(d.ciLow())
                        ? "n/a (fewer than 2 iterations)"
                        : d.significant() ? "YES" : "no");
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Comparison: ").append(ra.id()).append('\n').append('\n');
        sb.append("A = `").append(a).append("` (").append(ra.state()).append(")  \n");
        sb.append("B = `").append(b).append("` (").append(rb.state()).append(")\n\n");
        if (ra.simulated() || rb.simulated()) {
            sb.append("> ")
                    .append(ra.simulated() && rb.simulated() ? "Both runs" : "One run")
                    .append(" measured aiwatch's vLLM simulator: the numbers describe the simulator.\n\n");
        }
        sb.append("Per-iteration values are compared with Welch's t-test; \"beyond noise\" means the 95 % CI of B − A"
                + " excludes zero. A and B cells: pooled percentile [bootstrap CI] or mean ± half the t-interval.\n\n");
        sb.append(table.markdown()).append('\n');
        for (String u : unmatched) {
            sb.append("- ").append(u).append('\n');
        }
        return sb.toString();
    }

    public String html() {
        Html h = new Html("Comparison " + ra.id());
        h.h1("Comparison: " + ra.id());
        h.p("A = " + a + " (" + ra.state() + "); B = " + b + " (" + rb.state() + ")");
        if (ra.simulated() || rb.simulated()) {
            h.p("Simulator runs: the numbers describe aiwatch's vLLM simulator.", "banner");
        }
        h.table(table);
        if (!unmatched.isEmpty()) {
            h.list(unmatched);
        }
        return h.render();
    }
}
