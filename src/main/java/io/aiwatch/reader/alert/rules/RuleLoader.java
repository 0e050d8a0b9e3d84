package io.aiwatch.reader.alert.rules;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.DurationText;
import io.aiwatch.reader.alert.promql.Expr;
import io.aiwatch.reader.alert.promql.Parser;
import io.aiwatch.reader.alert.promql.PromqlException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads Prometheus rule files ({@code groups: [{name, interval, rules: [...]}]}). Every
 * expression is parsed and every template checked now: a rule outside the supported subset
 * stops start-up with {@code file:line} of its expression and the reason.
 */
public final class RuleLoader {
    private static final Set<String> GROUP_KEYS =
            Set.of("name", "interval", "rules", "limit", "query_offset", "labels");
    private static final Set<String> RULE_KEYS =
            Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations");

    private RuleLoader() {}

    /** Expands {@code patterns} (paths or globs such as {@code /etc/aiwatch/rules/*.yml}) and loads every file, in order. */
    public static List<Rule.Group> load(List<String> patterns, Duration defaultInterval) throws ConfigException {
        List<Rule.Group> groups = new ArrayList<>();
        for (Path file : expand(patterns)) {
            groups.addAll(loadFile(file, defaultInterval));
        }
        return groups;
    }

    static List<Path> expand(List<String> patterns) throws ConfigException {
        List<Path> files = new ArrayList<>();
        for (String pattern : patterns) {
            if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
                Path p = Path.of(pattern);
                if (!Files.isRegularFile(p)) {
                    throw new ConfigException(pattern + ": no such rule file");
                }
                files.add(p);
                continue;
            }
            Path glob = Path.of(pattern);
            Path dir = glob.getParent() == null ? Path.of(".") : glob.getParent();
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob.getFileName());
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> m.matches(p.getFileName()) && Files.isRegularFile(p))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new ConfigException(pattern + ": cannot list " + dir + ": " + e.getMessage());
            }
        }
        return files;
    }

    public static List<Rule.Group> loadFile(Path file, Duration defaultInterval) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read rule file: " + e.getMessage());
        }
        return parse(file.toString(), text, defaultInterval);
    }

    /** Parses rule-file text; {@code source} names it in messages. */
    public static List<Rule.Group> parse(String source, String text, Duration defaultInterval) throws ConfigException {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
        } catch (RuntimeException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            return List.of();
        }
        Map<String, Node> top = mapping(source, root, Set.of("groups"));
        Node groupsNode = top.get("groups");
        if (groupsNode == null) {
            return List.of();
        }
        List<Rule.Group> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Node g : sequence(source, groupsNode)) {
            Map<String, Node> gm = mapping(source, g, GROUP_KEYS);
            String name = scalar(source, gm.get("name"), "group name", g);
            if (!names.add(name)) {
                throw new ConfigException(at(source, g) + ": group name '" + name + "' is repeated in the same file");
            }
            Duration interval = gm.containsKey("interval") ? duration(source, gm.get("interval")) : defaultInterval;
            for (String unsupported : List.of("limit", "query_offset", "labels")) {
                if (gm.containsKey(unsupported)) {
                    throw new ConfigException(
                            at(source, gm.get(unsupported)) + ": group key '" + unsupported + "' is not supported");
                }
            }
            List<Rule> rules = new ArrayList<>();
            if (gm.containsKey("rules")) {
                for (Node r : sequence(source, gm.get("rules"))) {
                    rules.add(rule(source, r));
                }
            }
            groups.add(new Rule.Group(name, source, interval, rules));
        }
        return groups;
    }

    private static Rule rule(String source, Node node) throws ConfigException {
        Map<String, Node> m = mapping(source, node, RULE_KEYS);
        if (m.containsKey("alert") == m.containsKey("record")) {
            throw new ConfigException(at(source, node) + ": a rule needs exactly one of 'alert' or 'record'");
        }
        Node exprNode = m.get("expr");
        String exprText = scalar(source, exprNode, "expr", node);
        String where = at(source, exprNode);
        Expr expr;
        try {
            expr = Parser.parse(exprText);
        } catch (PromqlException e) {
            throw new ConfigException(lineOf(source, exprNode, exprText, e.position())
                    + ": expression outside the supported PromQL subset: " + e.getMessage() + " in: "
                    + exprText.strip());
        }
        if (m.containsKey("record")) {
            String name = scalar(source, m.get("record"), "record", node);
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new ConfigException(at(source, m.get("record")) + ": invalid recording rule name '" + name + "'");
            }
            for (String k : List.of("for", "keep_firing_for", "annotations")) {
                if (m.containsKey(k)) {
                    throw new ConfigException(at(source, m.get(k)) + ": '" + k + "' is only for alerting rules");
                }
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.containsKey("labels")) {
                for (Map.Entry<String, Node> e :
                        stringMap(source, m.get("labels")).entrySet()) {
                    labels.put(e.getKey(), scalar(source, e.getValue(), e.getKey(), node));
                }
            }
            return new Rule.Recording(name, expr, exprText, labels, where);
        }
        String name = scalar(source, m.get("alert"), "alert", node);
        if (!io.aiwatch.collect.Labels.isValidLabelName(name.replace(":", "_"))) {
            throw new ConfigException(at(source, m.get("alert")) + ": invalid alert name '" + name + "'");
        }
        Duration hold = m.containsKey("for") ? duration(source, m.get("for")) : Duration.ZERO;
        Duration keep = m.containsKey("keep_firing_for") ? duration(source, m.get("keep_firing_for")) : Duration.ZERO;
        return new Rule.Alerting(
                name,
                expr,
                exprText,
                hold,
                keep,
                templates(source, m.get("labels")),
                templates(source, m.get("annotations")),
                where);
    }

    private static Map<String, Template> templates(String source, Node node) throws ConfigException {
        Map<String, Template> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        for (Map.Entry<String, Node> e : stringMap(source, node).entrySet()) {
            if (!io.aiwatch.collect.Labels.isValidLabelName(e.getKey())) {
                throw new ConfigException(
                        at(source, e.getValue()) + ": invalid label or annotation name '" + e.getKey() + "'");
            }
            String text = scalar(source, e.getValue(), e.getKey(), node);
            try {
                out.put(e.getKey(), Template.parse(text));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(at(source, e.getValue()) + ": " + e.getKey() + ": " + ex.getMessage());
            }
        }
        return out;
    }

    private static Map<String, Node> stringMap(String source, Node node) throws ConfigException {
        if (!(node instanceof MappingNode mn)) {
            throw new ConfigException(at(source, node) + ": expected a mapping");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            String key = scalar(source, t.getKeyNode(), "key", node);
            if (out.put(key, t.getValueNode()) != null) {
                throw new ConfigException(at(source, t.getKeyNode()) + ": key '" + key + "' is repeated");
            }
        }
        return out;
    }

    private static Map<String, Node> mapping(String source, Node node, Set<String> known) throws ConfigException {
        Map<String, Node> m = stringMap(source, node);
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new ConfigException(
                        at(source, e.getValue()) + ": unknown key '" + e.getKey() + "'; known keys here: "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
        return m;
    }

    private static List<Node> sequence(String source, Node node) throws ConfigException {
        if (node instanceof SequenceNode s) {
            return s.getValue();
        }
        if (node instanceof ScalarNode sc && sc.getValue().isEmpty()) {
            return List.of();
        }
        throw new ConfigException(at(source, node) + ": expected a list");
    }

    private static String scalar(String source, Node node, String what, Node parent) throws ConfigException {
        if (node == null) {
            throw new ConfigException(at(source, parent) + ": missing '" + what + "'");
        }
        if (!(node instanceof ScalarNode s)) {
            throw new ConfigException(at(source, node) + ": '" + what + "' must be a string");
        }
        return s.getValue();
    }

    private static Duration duration(String source, Node node) throws ConfigException {
        String text = scalar(source, node, "duration", node);
        try {
            return Parser.duration(text.trim());
        } catch (PromqlException e) {
            if (text.trim().equals("0")) {
                return Duration.ZERO;
            }
            try {
                return DurationText.parse(text);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(at(source, node) + ": bad duration '" + text + "'");
            }
        }
    }

    static String at(String source, Node node) {
        return source + ":" + (node.getStartMark().getLine() + 1);
    }

    /** The line of character {@code pos} of a possibly multi-line expression (block scalars start on the next line). */
    private static String lineOf(String source, Node node, String text, int pos) {
        int line = node.getStartMark().getLine() + 1;
        if (node instanceof ScalarNode s
                && s.getScalarStyle() != null
                && (s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.LITERAL
                        || s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.FOLDED)) {
            line++;
            if (s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.LITERAL) {
                for (int i = 0; i < Math.min(pos, text.length()); i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                    }
                }
            }
        }
        return source + ":" + line;
    }
}
