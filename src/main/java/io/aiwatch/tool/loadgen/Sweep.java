package io.aiwatch.tool.loadgen;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * Rate sweeps: a fixed list of rates, or a search for the highest rate whose result meets every
 * SLO ({@code p99_e2el_ms<=500}-style conditions on result fields, like vllm's SLA sweep). The
 * search runs the lowest and the highest rate, then bisects while the bracket is wider than the
 * tolerance or until the step budget is spent. Each step is a full run with its own result.
 */
public final class Sweep {
    /** One condition: result field {@code key} must be {@code <=} (or {@code >=}) {@code limit}. */
    public record Slo(String key, boolean atMost, double limit) {
        public static List<Slo> parse(String spec) {
            List<Slo> out = new ArrayList<>();
            for (String part : spec.split(",")) {
                String p = part.trim();
                int le = p.indexOf("<=");
                int ge = p.indexOf(">=");
                int at = le >= 0 ? le : ge;
                if (at <= 0) {
                    throw new LoadgenException("bad SLO '" + p + "': expected FIELD<=VALUE, e.g. p99_e2el_ms<=500");
                }
                try {
                    out.add(new Slo(
                            p.substring(0, at).trim(),
                            le >= 0,
                            Double.parseDouble(p.substring(at + 2).trim())));
                } catch (NumberFormatException e) {
                    throw new LoadgenException("bad SLO '" + p + "': value is not a number");
                }
            }
            return out;
        }

        boolean holds(Map<String, Object> result) {
            if (!(result.get(key) instanceof Number n)) {
                throw new LoadgenException("SLO field '" + key + "' is not in the result (add the metric to "
                        + "--percentile-metrics and the percentile to --metric-percentiles)");
            }
            return atMost ? n.doubleValue() <= limit : n.doubleValue() >= limit;
        }
    }

    /** A finished step. */
    public record Step(double rate, Map<String, Object> result, boolean meetsSlo) {}

    private Sweep() {}

    /** Whether every SLO holds and no request failed. */
    public static boolean meets(Map<String, Object> result, List<Slo> slos) {
        for (Slo s : slos) {
            if (!s.holds(result)) {
                return false;
            }
        }
        return !(result.get("failed") instanceof Number f) || f.longValue() == 0;
    }

    /** Runs every rate in order. */
    public static List<Step> list(List<Double> rates, List<Slo> slos, DoubleFunction<Map<String, Object>> runStep) {
        List<Step> steps = new ArrayList<>();
        for (double r : rates) {
            Map<String, Object> res = runStep.apply(r);
            steps.add(new Step(r, res, slos.isEmpty() || meets(res, slos)));
        }
        return steps;
    }

    /**
     * Searches [minRate, maxRate] for the highest rate meeting the SLOs, within relative tolerance
     * {@code tolerance}, in at most {@code maxSteps} runs.
     */
    public static List<Step> search(
            double minRate,
            double maxRate,
            double tolerance,
            int maxSteps,
            List<Slo> slos,
            DoubleFunction<Map<String, Object>> runStep) {
        if (!(minRate > 0) || !(maxRate > minRate)) {
            throw new LoadgenException("search needs 0 < --search-min-rate < --search-max-rate");
        }
        if (slos.isEmpty()) {
            throw new LoadgenException("search needs --slo, e.g. --slo p99_e2el_ms<=500");
        }
        List<Step> steps = new ArrayList<>();
        Step lo = run(minRate, slos, runStep, steps);
        if (!lo.meetsSlo() || maxSteps < 2) {
            return steps;
        }
        Step hi = run(maxRate, slos, runStep, steps);
        if (hi.meetsSlo()) {
            return steps;
        }
        double good = minRate;
        double bad = maxRate;
        while (steps.size() < maxSteps && (bad - good) / good > tolerance) {
            double mid = (good + bad) / 2;
            if (run(mid, slos, runStep, steps).meetsSlo()) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return steps;
    }

    /** The highest passing rate, or NaN when none passed. */
    public static double best(List<Step> steps) {
        return steps.stream()
                .filter(Step::meetsSlo)
                .mapToDouble(Step::rate)
                .max()
                .orElse(Double.NaN);
    }

    private static Step run(
            double rate, List<Slo> slos, DoubleFunction<Map<String, Object>> runStep, List<Step> steps) {
        Map<String, Object> res = runStep.apply(rate);
        Step s = new Step(rate, res, meets(res, slos));
        steps.add(s);
        return s;
    }
}
