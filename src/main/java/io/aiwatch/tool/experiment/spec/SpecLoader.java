package io.aiwatch.tool.experiment.spec;

import io.aiwatch.tool.experiment.ConditionType;
import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.Plugins;
import io.aiwatch.tool.experiment.SpecException;
import io.aiwatch.tool.experiment.SpecText;
import io.aiwatch.tool.experiment.WorkloadType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a spec strictly and checks everything that can be checked before a run: the YAML keys and
 * types (the daemon's strict loader), the values, the workload's parameters of every expanded
 * step, the conditions, the claims' steps. Every error names file:line.
 */
public final class SpecLoader {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Set<String> ORDERS = Set.of("interleaved", "sequential", "shuffled");
    private static final Set<String> DESIGNS = Set.of("one_at_a_time", "matrix");

    private final Plugins plugins;

    public SpecLoader(Plugins plugins) {
        this.plugins = plugins;
    }

    public LoadedSpec load(Path file, boolean quick) throws SpecException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such spec file");
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, text, quick);
    }

    public LoadedSpec parse(Path file, String text, boolean quick) throws SpecException {
        String source = file.toString();
        ExperimentSpec spec = SpecText.parse(source, text, ExperimentSpec.class);
        Check c = new Check(source, SpecLocations.of(text));
        c.require(spec.id() != null && ID.matcher(spec.id()).matches(), "/id", "id: required, letters, digits, . _ -");
        c.require(spec.title() != null && !spec.title().isBlank(), "/title", "title: required");
        c.require(
                spec.hypothesis() != null && !spec.hypothesis().isBlank(),
                "/hypothesis",
                "hypothesis: required (state what you expect before measuring)");
        c.require(spec.iterations() >= 1 && spec.iterations() <= 1000, "/iterations", "iterations: 1 to 1000");
        c.require(ORDERS.contains(spec.order()), "/order", "order: interleaved, sequential or shuffled");
        c.require(DESIGNS.contains(spec.design()), "/design", "design: one_at_a_time or matrix");
        Duration duration = c.duration(spec.duration(), "/duration");
        Duration warmup = c.duration(spec.warmup(), "/warmup");
        Duration pause = c.duration(spec.pause(), "/pause");
        c.require(!duration.isZero(), "/duration", "duration: must be > 0");
        int iterations = spec.iterations();
        Map<String, List<Object>> levelOverrides = Map.of();
        Map<String, Object> quickWorkload = Map.of();
        if (quick) {
            ExperimentSpec.Quick q =
                    spec.quick() != null ? spec.quick() : new ExperimentSpec.Quick(null, null, null, null, null);
            iterations = q.iterations() != null ? q.iterations() : Math.min(2, iterations);
            c.require(iterations >= 1, "/quick/iterations", "quick.iterations: at least 1");
            duration = q.duration() != null
                    ? c.duration(q.duration(), "/quick/duration")
                    : Duration.ofMillis(Math.max(1000, duration.toMillis() / 10));
            warmup = q.warmup() != null
                    ? c.duration(q.warmup(), "/quick/warmup")
                    : Duration.ofMillis(warmup.toMillis() / 10);
            levelOverrides = q.levels();
            quickWorkload = q.workload();
        }
        // workload
        Map<String, Object> wl = spec.workload() == null ? Map.of() : spec.workload();
        Object kind = wl.get("kind");
        c.require(kind instanceof String, "/workload", "workload: needs 'kind' (" + workloadKinds() + ")");
        WorkloadType type = plugins.workload((String) kind);
        c.require(
                type != null,
                "/workload/kind",
                "workload.kind: unknown kind '" + kind + "'; known: " + workloadKinds());
        Map<String, Object> fixed = new LinkedHashMap<>(wl);
        fixed.remove("kind");
        for (String k : quickWorkload.keySet()) {
            c.require(!k.equals("kind"), "/quick/workload/kind", "quick.workload: cannot change the kind");
        }
        fixed.putAll(quickWorkload);
        Parameters baseline = new Parameters(fixed);
        // variables
        Set<String> names = new HashSet<>();
        String x = spec.report().x();
        for (int i = 0; i < spec.variables().size(); i++) {
            ExperimentSpec.Variable v = spec.variables().get(i);
            String at = "/variables/" + i;
            c.require(v.name() != null && !v.name().isBlank(), at, "variables[" + i + "]: needs a name");
            c.require(names.add(v.name()), at + "/name", "variables: '" + v.name() + "' appears twice");
            c.require(v.levels() != null && !v.levels().isEmpty(), at, "variable '" + v.name() + "': needs levels");
            for (int l = 0; l < v.levels().size(); l++) {
                Object level = v.levels().get(l);
                c.require(
                        !(level instanceof List) && level != null,
                        at + "/levels/" + l,
                        "variable '" + v.name() + "': a level is a value or a mapping of parameters");
                c.require(
                        !v.sweep() || !(level instanceof Map),
                        at + "/levels/" + l,
                        "variable '" + v.name() + "': levels of a sweep variable are single values");
            }
            if (x == null && v.sweep()) {
                x = v.name();
            }
        }
        for (String k : levelOverrides.keySet()) {
            c.require(
                    names.contains(k),
                    "/quick/levels/" + k,
                    "quick.levels: '" + k + "' is not a variable (" + String.join(", ", names) + ")");
            boolean sweep = spec.variables().stream().anyMatch(v -> v.name().equals(k) && v.sweep());
            c.require(
                    !levelOverrides.get(k).isEmpty() || !sweep && !spec.design().equals("matrix"),
                    "/quick/levels/" + k,
                    "quick.levels." + k + ": empty (only a varied variable of a one_at_a_time design may be left"
                            + " out under --quick)");
        }
        c.require(
                spec.report().x() == null
                        || spec.variables().stream()
                                .anyMatch(v -> v.sweep()
                                        && v.name().equals(spec.report().x())),
                "/report/x",
                "report.x: must name a sweep variable");
        Plan plan = Plan.build(
                baseline,
                spec.variables(),
                levelOverrides,
                spec.design().equals("matrix"),
                iterations,
                spec.order(),
                spec.seed(),
                duration,
                warmup,
                pause,
                x);
        for (Step s : plan.steps()) {
            try {
                type.validate(s.parameters());
            } catch (ParameterException e) {
                String origin = s.origins().get(e.key());
                String at = origin != null
                        ? origin + (origin.startsWith("/quick/levels") ? "" : "/" + e.key())
                        : quickWorkload.containsKey(e.key()) ? "/quick/workload/" + e.key() : "/workload/" + e.key();
                c.fail(at, "workload (" + kind + ") step " + s.label() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                c.fail("/workload", "workload (" + kind + ") step " + s.label() + ": " + e.getMessage());
            }
        }
        List<ConditionSpec> conditions = conditions(spec, c);
        record(spec.record(), c);
        for (int i = 0; i < spec.objectives().size(); i++) {
            ExperimentSpec.Objective o = spec.objectives().get(i);
            String at = "/objectives/" + i;
            c.require(o.metric() != null && !o.metric().isBlank(), at, "objectives[" + i + "]: needs a metric");
            c.require(
                    o.atMost() != null || o.atLeast() != null,
                    at,
                    "objective '" + o.metric() + "': needs at_most or at_least");
        }
        for (int i = 0; i < spec.claims().size(); i++) {
            ExperimentSpec.Claim cl = spec.claims().get(i);
            String at = "/claims/" + i;
            c.require(cl.statement() != null && !cl.statement().isBlank(), at, "claims[" + i + "]: needs a statement");
            c.require(cl.metric() != null && !cl.metric().isBlank(), at, "claims[" + i + "]: needs a metric");
            c.require(
                    "lower".equals(cl.expect()) || "higher".equals(cl.expect()),
                    at + "/expect",
                    "claims[" + i + "].expect: lower or higher");
            if (!quick) {
                c.require(
                        plan.find(baseline, cl.when()) != null,
                        at + "/when",
                        "claims[" + i + "].when: no step of the plan has these parameters");
                c.require(
                        plan.find(baseline, cl.than()) != null,
                        at + "/than",
                        "claims[" + i + "].than: no step of the plan has these parameters");
            }
        }
        return new LoadedSpec(file, text, sha256(text), spec, quick, baseline, type, conditions, plan);
    }

    private List<ConditionSpec> conditions(ExperimentSpec spec, Check c) throws SpecException {
        List<ConditionSpec> out = new ArrayList<>();
        for (int i = 0; i < spec.conditions().size(); i++) {
            String at = "/conditions/" + i;
            Parameters p = new Parameters(spec.conditions().get(i));
            Object kind = p.asMap().get("kind");
            c.require(kind instanceof String, at, "conditions[" + i + "]: needs 'kind' (" + conditionKinds() + ")");
            ConditionType type = plugins.condition((String) kind);
            c.require(
                    type != null,
                    at + "/kind",
                    "conditions[" + i + "]: unknown kind '" + kind + "'; known: " + conditionKinds());
            Duration timeout = Duration.ofMinutes(5);
            Duration poll = Duration.ofSeconds(1);
            try {
                timeout = p.duration("timeout", timeout);
                poll = p.duration("poll", poll);
                c.require(!poll.isZero(), at + "/poll", "conditions[" + i + "].poll: must be > 0");
                out.add(new ConditionSpec(
                        i, (String) kind, type.create(p.without(Set.of("kind", "timeout", "poll"))), timeout, poll));
            } catch (ParameterException e) {
                c.fail(at + "/" + e.key(), "condition " + kind + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static void record(ExperimentSpec.Recording r, Check c) throws SpecException {
        String d = r.daemon();
        c.require(
                d.equals("start") || d.equals("none") || d.startsWith("http://") || d.startsWith("https://"),
                "/record/daemon",
                "record.daemon: start, none, or the daemon's URL (http://host:9400)");
        c.require(
                r.simulateGpus().equals("auto") || r.simulateGpus().matches("\\d{1,2}"),
                "/record/simulate_gpus",
                "record.simulate_gpus: auto or a number of GPUs");
        Duration interval = c.duration(r.interval(), "/record/interval");
        c.require(interval.toMillis() >= 100, "/record/interval", "record.interval: at least 100ms");
        for (int i = 0; i < r.families().size(); i++) {
            try {
                Pattern.compile(r.families().get(i));
            } catch (PatternSyntaxException e) {
                c.fail("/record/families/" + i, "record.families: not a regular expression: " + e.getDescription());
            }
        }
    }

    private String workloadKinds() {
        return String.join(
                ", ", plugins.workloads().stream().map(WorkloadType::kind).toList());
    }

    private String conditionKinds() {
        return String.join(
                ", ", plugins.conditions().stream().map(ConditionType::kind).toList());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Error helper: failures name source:line of a JSON pointer. */
    private record Check(String source, SpecLocations lines) {
        void require(boolean ok, String pointer, String message) throws SpecException {
            if (!ok) {
                fail(pointer, message);
            }
        }

        void fail(String pointer, String message) throws SpecException {
            int line = lines.line(pointer);
            throw new SpecException(source + (line > 0 ? ":" + line : "") + ": " + message);
        }

        Duration duration(String text, String pointer) throws SpecException {
            try {
                return SpecText.duration(text);
            } catch (IllegalArgumentException e) {
                fail(pointer, pointer.substring(1).replace('/', '.') + ": " + e.getMessage());
                return Duration.ZERO;
            }
        }
    }
}
