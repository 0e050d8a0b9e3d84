package io.aiwatch.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Prometheus rule files under {@code alerts/} and their promtool tests, read as YAML trees. */
final class RuleFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path ALERTS = Path.of("alerts");

    /** One rule of a group: an alert (alert != null) or a recording rule. */
    record Rule(
            Path file, String group, String alert, String record, String expr, JsonNode labels, JsonNode annotations) {}

    private RuleFiles() {}

    static List<Path> ruleFiles() {
        return list(ALERTS, ".rules.yml");
    }

    static List<Path> testFiles() {
        return list(ALERTS.resolve("tests"), ".yml");
    }

    static List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (Path f : ruleFiles()) {
            for (JsonNode g : read(f).path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    out.add(new Rule(
                            f,
                            g.path("name").asText(),
                            text(r, "alert"),
                            text(r, "record"),
                            r.path("expr").asText(),
                            r.path("labels"),
                            r.path("annotations")));
                }
            }
        }
        return out;
    }

    static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + " (tests run from the repository root)", e);
        }
    }
}
