package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.experiment.run.PlanFile;
import io.aiwatch.tool.experiment.spec.ExperimentSpec;
import io.aiwatch.tool.report.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The tables both report formats share, built once from the results and the run's files. */
final class ReportTables {
    private ReportTables() {}

    static Table variables(PlanFile plan) {
        Table t = new Table(List.of("variable", "levels", "baseline", "role"));
        for (ExperimentSpec.Variable v : plan.variables()) {
            List<String> levels = new ArrayList<>();
            v.levels().forEach(l -> levels.add(level(l)));
            Object base = plan.baseline().get(v.name());
            t.row(
                    v.name(),
                    String.join(", ", levels),
                    base == null ? (v.sweep() ? "(swept)" : "(see levels)") : level(base),
                    v.sweep() ? "swept (x-axis), crossed with every setting" : "varied, others at baseline");
        }
        return t;
    }

    static Table baseline(PlanFile plan) {
        Table t = new Table(List.of("parameter", "value"));
        plan.baseline().forEach((k, v) -> t.row(k, level(v)));
        return t;
    }

    static String level(Object l) {
        if (l instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(k + "=" + level(v)));
            return String.join(" ", parts);
        }
        if (l instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(l);
    }

    /** Host, GPUs, storage, software, daemon, and what the workloads reported about their targets. */
    static Table environment(RunData data) {
        Table t = new Table(List.of("what", "value"));
        if (data.environments().isEmpty()) {
            t.row("environment", "not recorded");
            return t;
        }
        Map<String, Object> env = data.environments().get(0);
        flatten("", env, t, Set.of("captured_at"));
        for (int i = 1; i < data.environments().size(); i++) {
            Map<String, Object> e = data.environments().get(i);
            t.row("session " + (i + 1) + " (resume) captured_at", String.valueOf(e.get("captured_at")));
            if (e.get("host") instanceof Map<?, ?> h) {
                t.row("session " + (i + 1) + " host.load_average", String.valueOf(h.get("load_average")));
            }
        }
        Map<String, Set<String>> fromWorkloads = new LinkedHashMap<>();
        for (RunData.Attempt a : data.attempts()) {
            if (a.record().environment() != null) {
                a.record()
                        .environment()
                        .forEach((k, v) -> fromWorkloads
                                .computeIfAbsent(k, x -> new LinkedHashSet<>())
                                .add(v));
            }
        }
        fromWorkloads.forEach((k, v) -> t.row(
                "workload." + k,
                v.size() <= 3
                        ? String.join(" | ", v)
                        : v.iterator().next() + " (and " + (v.size() - 1) + " other values)"));
        return t;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object v, Table t, Set<String> skip) {
        if (v instanceof Map<?, ?> m) {
            for (var e : ((Map<String, Object>) m).entrySet()) {
                if (!skip.contains(e.getKey())) {
                    flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), t, skip);
                }
            }
        } else if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
            for (int i = 0; i < l.size(); i++) {
                flatten(prefix + "[" + i + "]", l.get(i), t, skip);
            }
        } else {
            t.row(
                    prefix,
                    v instanceof Number n && prefix.endsWith("bytes") ? bytes(n.doubleValue()) : String.valueOf(v));
        }
    }

    static String bytes(double b) {
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (b >= 1024 && i < u.length - 1) {
            b /= 1024;
            i++;
        }
        return Format.number(b) + " " + u[i];
    }

    /** The steps of one comparison (null: all), one row each, with the report's metrics. */
    static Table steps(Results r, List<String> metrics, String variable) {
        List<String> headers =
                new ArrayList<>(List.of("step", "setting", r.x() == null ? "-" : r.x(), "iterations ok"));
        List<Boolean> numeric = new ArrayList<>(List.of(false, false, true, true));
        for (String m : metrics) {
            headers.add(m + unit(m));
            numeric.add(true);
        }
        headers.add("objectives");
        numeric.add(false);
        boolean[] num = new boolean[numeric.size()];
        for (int i = 0; i < num.length; i++) {
            num[i] = numeric.get(i);
        }
        Table t = new Table(headers, num);
        for (Results.StepResult s : r.steps()) {
            if (variable != null && !s.variables().contains(variable)) {
                continue;
            }
            List<String> row = new ArrayList<>();
            row.add(s.id());
            row.add(s.setting());
            row.add(s.x() == null ? "" : Format.number(s.x()));
            row.add(s.ok() + "/" + (s.ok() + s.failed()));
            for (String m : metrics) {
                row.add(cell(s, m));
            }
            row.add(s.meets() == null ? "n/a" : s.meets() ? "met" : "NOT met");
            t.row(row);
        }
        return t;
    }

    private static String unit(String m) {
        String u = Format.unit(m);
        return u.isEmpty() ? "" : " (" + u + ")";
    }

    /** A pooled value with its bootstrap interval, or a mean ± half its t interval with the CV. */
    static String cell(Results.StepResult s, String metric) {
        Pooled p = s.pooled().get(metric);
        if (p != null) {
            return Double.isNaN(p.ciLow())
                    ? Format.number(p.value())
                    : Format.number(p.value()) + " [" + Format.number(p.ciLow()) + ", " + Format.number(p.ciHigh())
                            + "]";
        }
        Summary m = s.metrics().get(metric);
        if (m == null) {
            return "n/a";
        }
        return Format.meanCi(m) + (Double.isNaN(m.cv()) ? "" : " (CV " + Format.percent(m.cv()) + ")");
    }

    static Table knees(Results r) {
        Table t = new Table(List.of("setting", "knee: highest " + r.x() + " meeting every objective", "note"));
        for (Results.Knee k : r.knees()) {
            String v = switch (k.status()) {
                case "none" -> "none (fails at the lowest " + r.x() + " tested)";
                case "beyond" -> "≥ " + Format.number(k.knee()) + " (met at every " + r.x() + " tested)";
                default -> Format.number(k.knee());
            };
            t.row(k.setting(), v, k.note() == null ? "" : k.note());
        }
        return t;
    }

    static Table claims(Results r) {
        Table t =
                new Table(List.of("claim", "metric", "when", "than", "when − than (95 % CI)", "p (Welch)", "verdict"));
        for (Results.ClaimResult c : r.claims()) {
            Summary.Difference d = c.difference();
            t.row(
                    c.statement(),
                    c.metric() + " expected " + c.expect(),
                    c.when() == null ? "-" : c.when() + ": " + Format.meanCi(c.whenValue()),
                    c.than() == null ? "-" : c.than() + ": " + Format.meanCi(c.thanValue()),
                    d == null
                            ? "-"
                            : Format.number(d.difference()) + " [" + Format.number(d.ciLow()) + ", "
                                    + Format.number(d.ciHigh()) + "]",
                    d == null ? "-" : Format.number(d.p()),
                    c.verdict());
        }
        return t;
    }

    static Table objectives(PlanFile plan) {
        Table t = new Table(List.of("metric", "bound"));
        for (ExperimentSpec.Objective o : plan.objectives()) {
            t.row(
                    o.metric(),
                    (o.atMost() != null ? "≤ " + Format.number(o.atMost()) : "")
                            + (o.atLeast() != null ? " ≥ " + Format.number(o.atLeast()) : ""));
        }
        return t;
    }

    /** Metrics to tabulate: the plan's choice, else every summary metric seen (at most 12). */
    static List<String> metrics(PlanFile plan, Results r) {
        if (!plan.reportMetrics().isEmpty()) {
            return plan.reportMetrics();
        }
        Set<String> all = new LinkedHashSet<>();
        for (Results.StepResult s : r.steps()) {
            all.addAll(s.metrics().keySet());
        }
        return all.stream().limit(12).toList();
    }
}
