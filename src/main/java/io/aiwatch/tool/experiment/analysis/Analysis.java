package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.experiment.run.IterationRecord;
import io.aiwatch.tool.experiment.run.PlanFile;
import io.aiwatch.tool.experiment.run.RunManifest;
import io.aiwatch.tool.experiment.spec.ExperimentSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Turns a run's raw files into {@link Results}: statistics per step across iterations,
 * percentiles from the merged histograms, objectives, knees, claims, and every failure and
 * negative result.
 */
public final class Analysis {
    static final double[] PERCENTILES = {50, 90, 95, 99};

    private Analysis() {}

    public static Results analyze(RunData data) throws IOException {
        PlanFile plan = data.plan();
        Map<String, List<RunData.Attempt>> byStep = data.finalAttemptsByStep();
        List<Results.StepResult> steps = new ArrayList<>();
        List<Results.Failure> failures = new ArrayList<>();
        for (PlanFile.StepEntry s : plan.steps()) {
            steps.add(step(plan, s, byStep.getOrDefault(s.id(), List.of()), failures));
        }
        List<Results.Knee> knees = knees(plan, steps);
        List<Results.ClaimResult> claims = claims(plan, steps, data.manifest().quick());
        iterationFailures(data, failures);
        negativeResults(steps, knees, claims, failures);
        hostLoad(data, failures);
        long pending =
                data.manifest().iterations().stream().filter(sl -> !sl.done()).count();
        if (pending > 0) {
            RunManifest.Session last = data.manifest().sessions().isEmpty()
                    ? null
                    : data.manifest().sessions().get(data.manifest().sessions().size() - 1);
            failures.add(
                    0,
                    new Results.Failure(
                            "run",
                            null,
                            "run incomplete: " + pending + " of "
                                    + data.manifest().iterations().size()
                                    + " iterations not finished"
                                    + (last != null && last.reason() != null ? " (" + last.reason() + ")" : "")
                                    + "; continue with --resume"));
        }
        return new Results(
                Results.FORMAT,
                plan.id(),
                plan.title(),
                data.manifest().state(),
                plan.simulated(),
                Results.METHOD,
                plan.x(),
                steps,
                knees,
                claims,
                failures);
    }

    private static Results.StepResult step(
            PlanFile plan, PlanFile.StepEntry s, List<RunData.Attempt> attempts, List<Results.Failure> failures)
            throws IOException {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        List<Map<String, Histogram>> histograms = new ArrayList<>();
        int ok = 0;
        for (RunData.Attempt a : attempts) {
            if (!a.ok()) {
                continue;
            }
            ok++;
            IterationRecord r = a.record();
            if (r.summary() != null) {
                r.summary().forEach((k, v) -> {
                    if (v != null && Double.isFinite(v)) {
                        values.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
                    }
                });
            }
            histograms.add(a.histograms());
        }
        Map<String, Summary> metrics = new LinkedHashMap<>();
        values.forEach((k, v) -> metrics.put(k, Summary.of(v)));
        Map<String, Pooled> pooled = Pooled.of(histograms);
        List<Results.ObjectiveResult> objectives = new ArrayList<>();
        Boolean meets = plan.objectives().isEmpty() || ok == 0 ? null : Boolean.TRUE;
        for (ExperimentSpec.Objective o : plan.objectives()) {
            Results.ObjectiveResult r = objective(o, metrics, pooled);
            objectives.add(r);
            if (meets != null && !Boolean.TRUE.equals(r.met())) {
                meets = Boolean.FALSE;
            }
        }
        Double x = null;
        if (plan.x() != null && s.sweep().get(plan.x()) instanceof Number n) {
            x = n.doubleValue();
        }
        if (ok == 0) {
            failures.add(new Results.Failure(
                    "step", s.id(), s.label() + ": no successful iteration (" + attempts.size() + " attempted)"));
        }
        return new Results.StepResult(
                s.id(),
                s.label(),
                s.setting(),
                s.variables(),
                x,
                s.parameters(),
                ok,
                attempts.size() - ok,
                metrics,
                pooled,
                objectives,
                meets);
    }

    private static Results.ObjectiveResult objective(
            ExperimentSpec.Objective o, Map<String, Summary> metrics, Map<String, Pooled> pooled) {
        String bound = (o.atMost() != null ? "≤ " + num(o.atMost()) : "")
                + (o.atMost() != null && o.atLeast() != null ? " and " : "")
                + (o.atLeast() != null ? "≥ " + num(o.atLeast()) : "");
        Summary s = metrics.get(o.metric());
        Pooled pv = pooled.get(o.metric());
        Double value = pv != null ? Double.valueOf(pv.value()) : s != null ? Double.valueOf(s.mean()) : null;
        if (value == null || value.isNaN()) {
            return new Results.ObjectiveResult(o.metric(), bound, null, null, false);
        }
        boolean met = (o.atMost() == null || value <= o.atMost()) && (o.atLeast() == null || value >= o.atLeast());
        double lo = pv != null ? pv.ciLow() : s != null ? s.ciLow() : Double.NaN;
        double hi = pv != null ? pv.ciHigh() : s != null ? s.ciHigh() : Double.NaN;
        boolean uncertain = !Double.isNaN(lo)
                && (o.atMost() != null && lo <= o.atMost() && hi > o.atMost()
                        || o.atLeast() != null && lo < o.atLeast() && hi >= o.atLeast());
        return new Results.ObjectiveResult(o.metric(), bound, value, met, uncertain);
    }

    private static List<Results.Knee> knees(PlanFile plan, List<Results.StepResult> steps) {
        List<Results.Knee> out = new ArrayList<>();
        if (plan.x() == null || plan.objectives().isEmpty()) {
            return out;
        }
        Set<String> settings = new LinkedHashSet<>();
        steps.forEach(s -> settings.add(s.setting()));
        for (String setting : settings) {
            List<Results.StepResult> line = steps.stream()
                    .filter(s -> s.setting().equals(setting) && s.x() != null)
                    .sorted((a, b) -> Double.compare(a.x(), b.x()))
                    .toList();
            Double knee = null;
            boolean broken = false;
            boolean recovered = false;
            for (Results.StepResult s : line) {
                boolean meets = Boolean.TRUE.equals(s.meets());
                if (!broken && meets) {
                    knee = s.x();
                } else if (!meets) {
                    broken = true;
                } else {
                    recovered = true;
                }
            }
            String status = knee == null ? "none" : broken ? "knee" : "beyond";
            String note =
                    recovered ? "a higher " + plan.x() + " met the objectives again (not monotonic: noise?)" : null;
            out.add(new Results.Knee(setting, knee, status, note));
        }
        return out;
    }

    private static List<Results.ClaimResult> claims(PlanFile plan, List<Results.StepResult> steps, boolean quick) {
        List<Results.ClaimResult> out = new ArrayList<>();
        for (ExperimentSpec.Claim c : plan.claims()) {
            Results.StepResult a = find(plan, steps, c.when());
            Results.StepResult b = find(plan, steps, c.than());
            if (a == null || b == null) {
                out.add(new Results.ClaimResult(
                        c.statement(),
                        c.metric(),
                        c.expect(),
                        a == null ? null : a.id(),
                        b == null ? null : b.id(),
                        null,
                        null,
                        null,
                        "not evaluated: a step it compares was not run" + (quick ? " (--quick)" : "")));
                continue;
            }
            Summary sa = a.metrics().get(c.metric());
            Summary sb = b.metrics().get(c.metric());
            if (sa == null || sb == null || sa.n() < 2 || sb.n() < 2) {
                out.add(new Results.ClaimResult(
                        c.statement(),
                        c.metric(),
                        c.expect(),
                        a.id(),
                        b.id(),
                        sa,
                        sb,
                        null,
                        "not evaluated: fewer than two successful iterations with " + c.metric()));
                continue;
            }
            Summary.Difference d = Summary.welch(sa, sb);
            boolean lower = c.expect().equals("lower");
            String verdict;
            if (!d.significant()) {
                verdict = "inconclusive";
            } else if (lower == d.ciHigh() < 0) {
                verdict = "holds";
            } else {
                verdict = "contradicted";
            }
            out.add(new Results.ClaimResult(c.statement(), c.metric(), c.expect(), a.id(), b.id(), sa, sb, d, verdict));
        }
        return out;
    }

    static Results.StepResult find(PlanFile plan, List<Results.StepResult> steps, Map<String, Object> overrides) {
        Map<String, Object> want = new LinkedHashMap<>(plan.baseline());
        want.putAll(overrides);
        for (Results.StepResult s : steps) {
            if (sameParameters(s.parameters(), want)) {
                return s;
            }
        }
        return null;
    }

    static boolean sameParameters(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            Object x = a.get(k);
            Object y = b.get(k);
            if (x instanceof Number n && y instanceof Number m) {
                if (n.doubleValue() != m.doubleValue()) {
                    return false;
                }
            } else if (!String.valueOf(x).equals(String.valueOf(y))) {
                return false;
            }
        }
        return true;
    }

    private static void iterationFailures(RunData data, List<Results.Failure> failures) {
        Map<String, String> labels = new LinkedHashMap<>();
        data.plan().steps().forEach(s -> labels.put(s.id(), s.label()));
        for (RunData.Attempt a : data.attempts()) {
            IterationRecord r = a.record();
            if (!a.ok()) {
                failures.add(new Results.Failure(
                        "iteration",
                        r.step(),
                        String.format(
                                Locale.ROOT,
                                "%s (%s) iteration %d%s: %s: %s",
                                r.step(),
                                labels.get(r.step()),
                                r.iteration(),
                                r.attempt() > 1 ? " attempt " + r.attempt() : "",
                                r.status(),
                                r.reason())));
            }
        }
    }

    private static void negativeResults(
            List<Results.StepResult> steps,
            List<Results.Knee> knees,
            List<Results.ClaimResult> claims,
            List<Results.Failure> failures) {
        for (Results.StepResult s : steps) {
            for (Results.ObjectiveResult o : s.objectives()) {
                if (Boolean.FALSE.equals(o.met())) {
                    failures.add(new Results.Failure(
                            "objective",
                            s.id(),
                            s.label() + ": " + o.metric() + " = " + num(o.value()) + ", objective " + o.bound()
                                    + " not met" + (o.uncertain() ? " (within the noise)" : "")));
                }
            }
        }
        for (Results.Knee k : knees) {
            if (k.status().equals("none")) {
                failures.add(new Results.Failure(
                        "objective", null, k.setting() + ": the objectives fail already at the lowest rate tested"));
            }
            if (k.note() != null) {
                failures.add(new Results.Failure("warning", null, k.setting() + ": " + k.note()));
            }
        }
        for (Results.ClaimResult c : claims) {
            if (!c.verdict().equals("holds")) {
                failures.add(new Results.Failure("claim", null, "\"" + c.statement() + "\": " + c.verdict()));
            }
        }
    }

    /** Words of the warning that iterations started on a busy host; the report repeats it at the top. */
    static final String LOADED_HOST = "runnable task per CPU";

    private static void hostLoad(RunData data, List<Results.Failure> failures) {
        int cpus = 0;
        if (!data.environments().isEmpty()
                && data.environments().get(0).get("host") instanceof Map<?, ?> h
                && h.get("cpus") instanceof Number n) {
            cpus = n.intValue();
        }
        if (cpus <= 0) {
            return;
        }
        int loaded = 0;
        double worst = 0;
        Map<String, Map<String, List<String>>> notes = new TreeMap<>();
        for (RunData.Attempt a : data.attempts()) {
            IterationRecord r = a.record();
            if (r.before() != null
                    && r.before().get("load_average") instanceof List<?> l
                    && !l.isEmpty()
                    && l.get(0) instanceof Number n) {
                double per = n.doubleValue() / cpus;
                worst = Math.max(worst, per);
                if (per > 1) {
                    loaded++;
                }
            }
            if (r.notes() != null) {
                // the same warning in several iterations of a step is one line, with its count
                for (String x : r.notes()) {
                    notes.computeIfAbsent(r.step(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(x.replaceAll("[0-9.]+", "#"), k -> new ArrayList<>())
                            .add(x);
                }
            }
        }
        if (loaded > 0) {
            failures.add(new Results.Failure(
                    "warning",
                    null,
                    String.format(
                            Locale.ROOT,
                            "%d of %d iterations started with more than one " + LOADED_HOST + " (worst %.2f per"
                                    + " CPU over %d CPUs): other work competed with the measurement; re-run on a quiet host",
                            loaded,
                            data.attempts().size(),
                            worst,
                            cpus)));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        data.plan().steps().forEach(s -> labels.put(s.id(), s.label()));
        notes.forEach((step, byKind) -> byKind.values()
                .forEach(list -> failures.add(new Results.Failure(
                        "warning",
                        step,
                        labels.get(step) + ": " + list.get(list.size() - 1)
                                + (list.size() > 1 ? " (in " + list.size() + " iterations; the last shown)" : "")))));
    }

    static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        return Format.number(v);
    }
}
