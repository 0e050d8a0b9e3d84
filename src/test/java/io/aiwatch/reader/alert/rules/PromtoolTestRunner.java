package io.aiwatch.reader.alert.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aiwatch.reader.alert.promql.Element;
import io.aiwatch.reader.alert.promql.Engine;
import io.aiwatch.reader.alert.promql.Expr;
import io.aiwatch.reader.alert.promql.Functions;
import io.aiwatch.reader.alert.promql.Parser;
import io.aiwatch.reader.alert.promql.PromqlException;
import io.aiwatch.reader.alert.promql.SampleHistory;
import io.aiwatch.reader.alert.promql.SeriesNotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs a promtool rule unit-test file ({@code promtool test rules FILE}) through our own rule
 * loader, history and evaluator, the way promtool 2.42 runs it: input series loaded at
 * {@code interval} steps from time 0, every group evaluated at each {@code evaluation_interval}
 * step up to the largest {@code eval_time}, firing alerts compared at each {@code eval_time}
 * (labels and annotations), then {@code promql_expr_test} queries. Returns the mismatches.
 */
public final class PromtoolTestRunner {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PromtoolTestRunner() {}

    /** Mismatches between our evaluator and the file's expectations; empty when they agree. */
    public static List<String> run(Path testFile) throws Exception {
        JsonNode root = YAML.readTree(testFile.toFile());
        Duration evalInterval = duration(root.path("evaluation_interval").asText("1m"));
        List<String> patterns = new ArrayList<>();
        for (JsonNode f : root.path("rule_files")) {
            patterns.add(
                    testFile.toAbsolutePath().getParent().resolve(f.asText()).toString());
        }
        List<Rule.Group> groups = ordered(root, RuleLoader.load(patterns, evalInterval));
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode test : root.path("tests")) {
            failures.addAll(runGroup(
                    testFile + " test #" + n++ + " " + test.path("name").asText(""), test, groups, evalInterval));
        }
        return failures;
    }

    /** Groups in the file's group_eval_order when it has one, else in file order. */
    private static List<Rule.Group> ordered(JsonNode root, List<Rule.Group> groups) {
        List<String> order = new ArrayList<>();
        root.path("group_eval_order").forEach(n -> order.add(n.asText()));
        if (order.isEmpty()) {
            return groups;
        }
        List<Rule.Group> sorted = new ArrayList<>(groups);
        sorted.sort((a, b) -> Integer.compare(order.indexOf(a.name()), order.indexOf(b.name())));
        return sorted;
    }

    /** The largest eval_time of the alert and PromQL tests: promtool evaluates the rules up to it. */
    private static long maxEvalTime(JsonNode test) throws PromqlException {
        long maxt = 0;
        for (String kind : List.of("alert_rule_test", "promql_expr_test")) {
            for (JsonNode t : test.path(kind)) {
                maxt = Math.max(maxt, duration(t.path("eval_time").asText()).toMillis());
            }
        }
        return maxt;
    }

    /** Firing alerts per evaluation step (epoch ms) and alertname, and the history after the last step. */
    record Simulation(
            SortedMap<Long, Map<String, List<AlertState>>> firing, SampleHistory history, List<String> errors) {}

    static Simulation simulate(JsonNode test, List<Rule.Group> groups, Duration evalInterval, long maxt)
            throws Exception {
        Duration interval = test.has("interval") ? duration(test.get("interval").asText()) : evalInterval;
        Map<String, String> external = new TreeMap<>();
        test.path("external_labels")
                .fields()
                .forEachRemaining(e -> external.put(e.getKey(), e.getValue().asText()));
        SampleHistory history = new SampleHistory(Duration.ofDays(3650), 100_000, 10_000_000);
        for (JsonNode s : test.path("input_series")) {
            Map<String, String> labels = seriesLabels(s.path("series").asText());
            List<Double> values = SeriesNotation.expand(s.path("values").asText());
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) != null) {
                    history.append(labels, interval.toMillis() * i, values.get(i));
                }
            }
        }
        AlertEvaluator evaluator = new AlertEvaluator(Engine.DEFAULT_LOOKBACK, external);
        List<Map<Integer, Map<SortedMap<String, String>, AlertState>>> states = new ArrayList<>();
        groups.forEach(g -> states.add(new HashMap<>()));
        SortedMap<Long, Map<String, List<AlertState>>> firing = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (long ts = 0; ts <= maxt; ts += evalInterval.toMillis()) {
            Map<String, List<AlertState>> now = new TreeMap<>();
            for (int g = 0; g < groups.size(); g++) {
                AlertEvaluator.Result r =
                        evaluator.evaluate(groups.get(g), states.get(g), history, java.time.Instant.ofEpochMilli(ts));
                states.set(g, r.alerts());
                errors.addAll(r.errors());
                for (Rule rule : groups.get(g).rules()) {
                    if (rule instanceof Rule.Alerting) {
                        now.putIfAbsent(rule.name(), new ArrayList<>());
                    }
                }
                for (Map<SortedMap<String, String>, AlertState> alerts :
                        r.alerts().values()) {
                    for (AlertState a : alerts.values()) {
                        if (a.state() == AlertState.State.FIRING) {
                            now.get(a.labels().get("alertname")).add(a);
                        }
                    }
                }
            }
            firing.put(ts, now);
        }
        return new Simulation(firing, history, errors);
    }

    private static List<String> runGroup(String name, JsonNode test, List<Rule.Group> groups, Duration evalInterval)
            throws Exception {
        Map<Long, List<JsonNode>> alertTests = new TreeMap<>();
        for (JsonNode at : test.path("alert_rule_test")) {
            alertTests
                    .computeIfAbsent(duration(at.path("eval_time").asText()).toMillis(), k -> new ArrayList<>())
                    .add(at);
        }
        long maxt = maxEvalTime(test);
        Simulation sim = simulate(test, groups, evalInterval, maxt);
        List<String> failures = new ArrayList<>();
        sim.errors().forEach(e -> failures.add(name + ": evaluation error: " + e));
        for (Map.Entry<Long, List<JsonNode>> e : alertTests.entrySet()) {
            long ts = e.getKey();
            for (JsonNode at : e.getValue()) {
                String alertname = at.path("alertname").asText();
                TreeSet<String> got = new TreeSet<>();
                for (AlertState a : sim.firing().getOrDefault(ts, Map.of()).getOrDefault(alertname, List.of())) {
                    got.add(a.labels() + " " + new TreeMap<>(a.annotations()));
                }
                TreeSet<String> want = new TreeSet<>();
                for (JsonNode exp : at.path("exp_alerts")) {
                    TreeMap<String, String> l = new TreeMap<>();
                    exp.path("exp_labels")
                            .fields()
                            .forEachRemaining(
                                    x -> l.put(x.getKey(), x.getValue().asText()));
                    l.put("alertname", alertname);
                    TreeMap<String, String> an = new TreeMap<>();
                    exp.path("exp_annotations")
                            .fields()
                            .forEachRemaining(
                                    x -> an.put(x.getKey(), x.getValue().asText()));
                    want.add(l + " " + an);
                }
                if (!got.equals(want)) {
                    failures.add(name + ": alertname " + alertname + " at " + Duration.ofMillis(ts) + ": want " + want
                            + " got " + got);
                }
            }
        }
        failures.addAll(exprTests(name, test, sim.history()));
        return failures;
    }

    /**
     * A promtool test file with the same inputs as {@code testFile} whose expectations are OUR
     * firing alerts for every alerting rule at every evaluation step up to {@code horizon} (at
     * least the file's largest eval_time). promtool passing it means both agree at every step.
     */
    public static String denseTestFile(Path testFile, Duration horizon) throws Exception {
        JsonNode root = YAML.readTree(testFile.toFile());
        Duration evalInterval = duration(root.path("evaluation_interval").asText("1m"));
        com.fasterxml.jackson.databind.node.ObjectNode out =
                ((com.fasterxml.jackson.databind.node.ObjectNode) root).deepCopy();
        com.fasterxml.jackson.databind.node.ArrayNode files = out.putArray("rule_files");
        List<String> patterns = new ArrayList<>();
        for (JsonNode f : root.path("rule_files")) {
            String abs =
                    testFile.toAbsolutePath().getParent().resolve(f.asText()).toString();
            files.add(abs);
            patterns.add(abs);
        }
        List<Rule.Group> groups = ordered(root, RuleLoader.load(patterns, evalInterval));
        if (!root.has("group_eval_order")) {
            // Without it promtool 2.42 evaluates groups in Go map order (random), so a recording
            // group may run before or after the alerts reading it; pin our (file) order.
            com.fasterxml.jackson.databind.node.ArrayNode order = out.putArray("group_eval_order");
            groups.forEach(g -> order.add(g.name()));
        }
        com.fasterxml.jackson.databind.node.ArrayNode tests = out.putArray("tests");
        for (JsonNode test : root.path("tests")) {
            long maxt = Math.max(horizon.toMillis(), maxEvalTime(test));
            Simulation sim = simulate(test, groups, evalInterval, maxt);
            com.fasterxml.jackson.databind.node.ObjectNode t =
                    ((com.fasterxml.jackson.databind.node.ObjectNode) test).deepCopy();
            t.remove("promql_expr_test");
            tests.add(t);
            com.fasterxml.jackson.databind.node.ArrayNode cases = t.putArray("alert_rule_test");
            for (Map.Entry<Long, Map<String, List<AlertState>>> step :
                    sim.firing().entrySet()) {
                for (Map.Entry<String, List<AlertState>> byName :
                        step.getValue().entrySet()) {
                    com.fasterxml.jackson.databind.node.ObjectNode c = cases.addObject();
                    c.put("eval_time", step.getKey() / 1000 + "s");
                    c.put("alertname", byName.getKey());
                    com.fasterxml.jackson.databind.node.ArrayNode exp = c.putArray("exp_alerts");
                    for (AlertState a : byName.getValue()) {
                        com.fasterxml.jackson.databind.node.ObjectNode e = exp.addObject();
                        com.fasterxml.jackson.databind.node.ObjectNode l = e.putObject("exp_labels");
                        a.labels().forEach((k, v) -> {
                            if (!k.equals("alertname")) {
                                l.put(k, v);
                            }
                        });
                        com.fasterxml.jackson.databind.node.ObjectNode an = e.putObject("exp_annotations");
                        a.annotations().forEach(an::put);
                    }
                }
            }
        }
        return YAML.writeValueAsString(out);
    }

    private static List<String> exprTests(String name, JsonNode test, SampleHistory history) throws Exception {
        List<String> failures = new ArrayList<>();
        Engine engine = new Engine(history, Engine.DEFAULT_LOOKBACK);
        for (JsonNode et : test.path("promql_expr_test")) {
            String expr = et.path("expr").asText();
            long t = duration(et.path("eval_time").asText()).toMillis();
            Map<Map<String, String>, Double> got = new HashMap<>();
            for (Element el : engine.vector(Parser.parse(expr), t)) {
                got.put(el.labels(), el.value());
            }
            Map<Map<String, String>, Double> want = new HashMap<>();
            for (JsonNode s : et.path("exp_samples")) {
                want.put(
                        seriesLabels(s.path("labels").asText()),
                        Functions.parseFloat(s.path("value").asText()));
            }
            boolean same = got.keySet().equals(want.keySet())
                    && want.entrySet().stream().allMatch(e -> close(e.getValue(), got.get(e.getKey())));
            if (!same) {
                failures.add(
                        name + ": expr " + expr + " at " + Duration.ofMillis(t) + ": want " + want + " got " + got);
            }
        }
        return failures;
    }

    private static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        return a == b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    }

    /** Labels of a series written as {@code name{a="b"}} or {@code {__name__="name"}} or {@code {}}. */
    static Map<String, String> seriesLabels(String text) throws PromqlException {
        if (text.replace(" ", "").equals("{}")) {
            return new TreeMap<>();
        }
        Expr e = Parser.parse(text);
        if (!(e instanceof Expr.Selector s)) {
            throw new IllegalArgumentException("not a series: " + text);
        }
        Map<String, String> labels = new TreeMap<>();
        for (Expr.Matcher m : s.matchers()) {
            labels.put(m.label(), m.value());
        }
        return labels;
    }

    static Duration duration(String text) throws PromqlException {
        if (text.equals("0") || text.isEmpty()) {
            return Duration.ZERO;
        }
        return Parser.duration(text);
    }

    /** Command-line entry so a rule/test pair can be checked without JUnit: prints mismatches. */
    public static void main(String[] args) throws Exception {
        int bad = 0;
        for (String a : args) {
            List<String> f = run(Path.of(a));
            f.forEach(System.out::println);
            bad += f.size();
            System.out.println(a + ": " + (f.isEmpty() ? "SUCCESS" : f.size() + " mismatches"));
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
