package io.aiwatch.tool.experiment.spec;

import io.aiwatch.tool.experiment.Parameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The steps of an experiment and the order their iterations run in, expanded from the spec's
 * variables. With {@code one_at_a_time} the settings are the baseline plus, for each non-sweep
 * variable, each of its levels with every other variable at baseline; a level equal to the
 * baseline is the baseline (run once, shown in every comparison). With {@code matrix} the settings
 * are every combination. Sweep variables are crossed with every setting.
 *
 * @param steps      every step, in plan order
 * @param sequence   the iterations to run, in order
 * @param iterations iterations per step
 * @param duration   measured length of one iteration
 * @param warmup     leading time left out of the results
 * @param pause      wait after each iteration
 * @param x          the sweep variable on the x-axis, or null when nothing is swept
 */
public record Plan(
        List<Step> steps,
        List<Slot> sequence,
        int iterations,
        Duration duration,
        Duration warmup,
        Duration pause,
        String x) {

    /** One iteration to run: the {@code index}-th of the run (0-based), of {@code stepId}. */
    public record Slot(int index, String stepId, int iteration) {}

    /** A setting of the non-sweep variables before crossing with the sweep. */
    record Setting(Map<String, Object> overrides, String label, List<String> variables, Map<String, String> origins) {}

    public Step step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    /** The step whose parameters equal the baseline with {@code overrides} applied, or null. */
    public Step find(Parameters baseline, Map<String, Object> overrides) {
        Parameters want = baseline.with(overrides);
        return steps.stream()
                .filter(s -> same(s.parameters().asMap(), want.asMap()))
                .findFirst()
                .orElse(null);
    }

    static Plan build(
            Parameters baseline,
            List<ExperimentSpec.Variable> variables,
            Map<String, List<Object>> levelOverrides,
            boolean matrix,
            int iterations,
            String order,
            long seed,
            Duration duration,
            Duration warmup,
            Duration pause,
            String x) {
        List<Integer> sweepIdx = new ArrayList<>();
        List<Integer> settingIdx = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            (variables.get(i).sweep() ? sweepIdx : settingIdx).add(i);
        }
        List<Setting> settings = matrix
                ? matrix(baseline, variables, settingIdx, levelOverrides)
                : oneAtATime(baseline, variables, settingIdx, levelOverrides);
        List<Map<String, Object>> sweeps = new ArrayList<>();
        sweeps.add(new LinkedHashMap<>());
        List<Map<String, String>> sweepOrigins = new ArrayList<>();
        sweepOrigins.add(new LinkedHashMap<>());
        for (int i : sweepIdx) {
            ExperimentSpec.Variable v = variables.get(i);
            List<Object> levels = levels(v, levelOverrides);
            List<Map<String, Object>> next = new ArrayList<>();
            List<Map<String, String>> nextOrigins = new ArrayList<>();
            for (int s = 0; s < sweeps.size(); s++) {
                for (int l = 0; l < levels.size(); l++) {
                    Map<String, Object> m = new LinkedHashMap<>(sweeps.get(s));
                    m.put(v.name(), levels.get(l));
                    Map<String, String> o = new LinkedHashMap<>(sweepOrigins.get(s));
                    o.put(v.name(), origin(i, l, levelOverrides.containsKey(v.name()), v.name()));
                    next.add(m);
                    nextOrigins.add(o);
                }
            }
            sweeps = next;
            sweepOrigins = nextOrigins;
        }
        List<Step> steps = new ArrayList<>();
        for (Setting s : settings) {
            for (int k = 0; k < sweeps.size(); k++) {
                Map<String, Object> all = new LinkedHashMap<>(s.overrides());
                all.putAll(sweeps.get(k));
                Map<String, String> origins = new LinkedHashMap<>(s.origins());
                origins.putAll(sweepOrigins.get(k));
                String id = String.format("s%02d", steps.size() + 1);
                steps.add(new Step(
                        id, baseline.with(all), s.overrides(), s.label(), s.variables(), sweeps.get(k), origins));
            }
        }
        return new Plan(
                List.copyOf(steps), sequence(steps, iterations, order, seed), iterations, duration, warmup, pause, x);
    }

    private static List<Setting> oneAtATime(
            Parameters baseline,
            List<ExperimentSpec.Variable> variables,
            List<Integer> settingIdx,
            Map<String, List<Object>> levelOverrides) {
        List<Setting> out = new ArrayList<>();
        List<String> all = settingIdx.stream().map(i -> variables.get(i).name()).toList();
        out.add(new Setting(Map.of(), "baseline", all, Map.of()));
        for (int i : settingIdx) {
            ExperimentSpec.Variable v = variables.get(i);
            List<Object> levels = levels(v, levelOverrides);
            for (int l = 0; l < levels.size(); l++) {
                Map<String, Object> o = overrides(v.name(), levels.get(l));
                if (same(baseline.with(o).asMap(), baseline.asMap())) {
                    continue; // this level is the baseline
                }
                boolean dup = out.stream()
                        .anyMatch(s -> same(
                                baseline.with(s.overrides()).asMap(),
                                baseline.with(o).asMap()));
                if (dup) {
                    continue;
                }
                Map<String, String> origins = new LinkedHashMap<>();
                for (String k : o.keySet()) {
                    origins.put(k, origin(i, l, levelOverrides.containsKey(v.name()), v.name()));
                }
                out.add(new Setting(o, v.name() + "=" + levelLabel(levels.get(l)), List.of(v.name()), origins));
            }
        }
        return out;
    }

    private static List<Setting> matrix(
            Parameters baseline,
            List<ExperimentSpec.Variable> variables,
            List<Integer> settingIdx,
            Map<String, List<Object>> levelOverrides) {
        List<Setting> out = new ArrayList<>();
        out.add(new Setting(Map.of(), "", List.of(), Map.of()));
        for (int i : settingIdx) {
            ExperimentSpec.Variable v = variables.get(i);
            List<Object> levels = levels(v, levelOverrides);
            List<Setting> next = new ArrayList<>();
            for (Setting s : out) {
                for (int l = 0; l < levels.size(); l++) {
                    Map<String, Object> o = new LinkedHashMap<>(s.overrides());
                    o.putAll(overrides(v.name(), levels.get(l)));
                    Map<String, String> origins = new LinkedHashMap<>(s.origins());
                    for (String k : overrides(v.name(), levels.get(l)).keySet()) {
                        origins.put(k, origin(i, l, levelOverrides.containsKey(v.name()), v.name()));
                    }
                    String label =
                            (s.label().isEmpty() ? "" : s.label() + ", ") + v.name() + "=" + levelLabel(levels.get(l));
                    next.add(new Setting(o, label, List.of(), origins));
                }
            }
            out = next;
        }
        List<String> names =
                settingIdx.stream().map(i -> variables.get(i).name()).toList();
        List<Setting> labelled = new ArrayList<>();
        for (Setting s : out) {
            labelled.add(new Setting(s.overrides(), s.label().isEmpty() ? "baseline" : s.label(), names, s.origins()));
        }
        return labelled;
    }

    private static List<Slot> sequence(List<Step> steps, int iterations, String order, long seed) {
        List<Slot> seq = new ArrayList<>();
        if (order.equals("sequential")) {
            for (Step s : steps) {
                for (int it = 1; it <= iterations; it++) {
                    seq.add(new Slot(seq.size(), s.id(), it));
                }
            }
            return List.copyOf(seq);
        }
        for (int it = 1; it <= iterations; it++) {
            List<Step> round = new ArrayList<>(steps);
            if (order.equals("shuffled")) {
                Collections.shuffle(round, new Random(seed * 31 + it));
            }
            for (Step s : round) {
                seq.add(new Slot(seq.size(), s.id(), it));
            }
        }
        return List.copyOf(seq);
    }

    static List<Object> levels(ExperimentSpec.Variable v, Map<String, List<Object>> levelOverrides) {
        List<Object> o = levelOverrides.get(v.name());
        return o != null ? o : v.levels();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> overrides(String name, Object level) {
        if (level instanceof Map<?, ?> m) {
            return new LinkedHashMap<>((Map<String, Object>) m);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(name, level);
        return o;
    }

    private static String origin(int variable, int level, boolean quick, String name) {
        return quick ? "/quick/levels/" + name + "/" + level : "/variables/" + variable + "/levels/" + level;
    }

    static String levelLabel(Object level) {
        if (level instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder();
            m.forEach((k, v) ->
                    sb.append(sb.length() == 0 ? "" : " ").append(k).append(':').append(format(v)));
            return "{" + sb + "}";
        }
        return format(level);
    }

    /** A parameter value as the report shows it: whole numbers without ".0". */
    public static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    /** Equal parameter maps, with 2 and 2.0 counted as the same value. */
    static boolean same(Map<String, Object> a, Map<String, Object> b) {
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
            } else if (!Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }
}
