package io.aiwatch.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards under {@code dashboards/}: their panels, queries and variables. */
final class Dashboards {
    static final Path DIR = Path.of("dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VAR =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    /** Grafana's built-in interval and range variables and what the tests put in their place. */
    static final Map<String, String> BUILT_INS = Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "5m");

    /** One query of one panel. */
    record Query(String dashboard, String uid, String panel, String refId, String expr) {
        String key() {
            return uid + "/" + panel;
        }
    }

    /** A metric selector inside a query: the metric name and the text between its braces (null when unbraced). */
    record Selector(String metric, String matchers) {}

    private static final Pattern STRING = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");
    private static final Pattern METRIC = Pattern.compile(
            "(?<![A-Za-z0-9_:$])(DCGM_FI_[A-Z0-9_]+|aiwatch_[a-z0-9_]+|aiwatch:[a-z0-9_:]+|vllm:[a-z0-9_:]+|ALERTS|up)\\b");

    private Dashboards() {}

    /**
     * The metric selectors of a PromQL expression (functions and keywords are not metrics: only
     * names of the families the dashboards read are recognised). String literals are skipped, so
     * label_replace arguments do not count.
     */
    static List<Selector> selectors(String expr) {
        List<Selector> out = new ArrayList<>();
        Matcher strings = STRING.matcher(expr);
        StringBuilder blanked = new StringBuilder(expr);
        while (strings.find()) {
            for (int i = strings.start(); i < strings.end(); i++) {
                blanked.setCharAt(i, ' ');
            }
        }
        Matcher m = METRIC.matcher(blanked);
        while (m.find()) {
            int i = m.end();
            while (i < expr.length() && expr.charAt(i) == ' ') {
                i++;
            }
            if (i < expr.length() && expr.charAt(i) == '{') {
                int close = i + 1;
                boolean inString = false;
                while (close < expr.length() && (inString || expr.charAt(close) != '}')) {
                    char c = expr.charAt(close);
                    if (c == '\\') {
                        close++;
                    } else if (c == '"') {
                        inString = !inString;
                    }
                    close++;
                }
                out.add(new Selector(m.group(1), expr.substring(i + 1, close)));
            } else {
                out.add(new Selector(m.group(1), null));
            }
        }
        return out;
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(DIR + " (tests run from the repository root)", e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Panels, rows' nested panels included, rows themselves excluded. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if ("row".equals(p.path("type").asText())) {
                p.path("panels").forEach(out::add);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    static List<Query> queries(Path file) {
        JsonNode d = read(file);
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels(d)) {
            for (JsonNode t : p.path("targets")) {
                out.add(new Query(
                        file.getFileName().toString(),
                        d.path("uid").asText(),
                        p.path("title").asText(),
                        t.path("refId").asText(),
                        t.path("expr").asText()));
            }
        }
        return out;
    }

    /** Variable name → its definition node, in order. */
    static Map<String, JsonNode> variables(JsonNode dashboard) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        dashboard
                .path("templating")
                .path("list")
                .forEach(v -> out.put(v.path("name").asText(), v));
        return out;
    }

    /** Names of the variables a query or variable definition refers to. */
    static List<String> referencedVariables(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = VAR.matcher(text);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /** The query with every variable replaced as Grafana would with "All" selected ({@code .*}). */
    static String substitute(String expr) {
        Matcher m = VAR.matcher(expr);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement = BUILT_INS.getOrDefault(m.group(1) != null ? m.group(1) : m.group(2), ".*");
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
