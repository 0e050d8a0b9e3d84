package io.aiwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.DcgmField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks the rule files without promtool: every alert is documented (summary, description, a
 * runbook section that exists), has a known severity, is tested both firing and quiet, and keeps
 * to the PromQL subset that aiwatch's own evaluator implements.
 */
class AlertRulesTest {
    /** Functions and aggregations the daemon's evaluator supports (docs/ALERTS.md). */
    static final Set<String> ALLOWED_CALLS = Set.of(
            "rate",
            "increase",
            "avg_over_time",
            "min_over_time",
            "max_over_time",
            "sum_over_time",
            "count_over_time",
            "predict_linear",
            "histogram_quantile",
            "sum",
            "avg",
            "max",
            "min",
            "count",
            "by",
            "without",
            "and",
            "or",
            "unless",
            "bool");

    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    private static final Pattern SUBQUERY_OR_OFFSET = Pattern.compile(
            "\\[[^\\]]*:[^\\]]*\\]|\\boffset\\b|@\\s*\\d|\\bgroup_(left|right)\\b|\\bignoring\\b|\\bon\\s*\\(");

    @Test
    void everyAlertHasSummaryDescriptionRunbookAndKnownSeverity() {
        List<RuleFiles.Rule> alerts = alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(25);
        for (RuleFiles.Rule a : alerts) {
            assertThat(a.labels().path("severity").asText())
                    .as(a.alert() + " severity")
                    .isIn("critical", "warning", "info");
            assertThat(a.annotations().path("summary").asText())
                    .as(a.alert() + " summary")
                    .isNotBlank();
            assertThat(a.annotations().path("description").asText())
                    .as(a.alert() + " description")
                    .hasSizeGreaterThan(40);
            assertThat(a.annotations().path("runbook_url").asText())
                    .as(a.alert() + " runbook_url")
                    .isEqualTo(
                            "docs/runbooks/" + a.file().getFileName().toString().replace(".rules.yml", ".md") + "#"
                                    + a.alert().toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void everyRunbookLinkLeadsToASectionWithMeaningChecksAndActions() throws IOException {
        for (RuleFiles.Rule a : alerts()) {
            String[] url = a.annotations().path("runbook_url").asText().split("#");
            Path file = Path.of(url[0]);
            assertThat(file).as(a.alert()).isRegularFile();
            String section = section(Files.readString(file), url[1]);
            assertThat(section).as("runbook section #" + url[1] + " in " + file).isNotNull();
            assertThat(section).as(a.alert() + " runbook").contains("Meaning", "First checks", "What to do");
        }
    }

    @Test
    void expressionsStayWithinTheEvaluatorsPromqlSubset() {
        for (RuleFiles.Rule r : RuleFiles.rules()) {
            String name = r.alert() != null ? r.alert() : r.record();
            String expr = r.expr().replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
            Matcher m = CALL.matcher(expr);
            while (m.find()) {
                assertThat(m.group(1)).as(name + ": function in " + r.expr()).isIn(ALLOWED_CALLS);
            }
            assertThat(SUBQUERY_OR_OFFSET.matcher(expr).find())
                    .as(name + " uses a subquery, offset, @ or vector matching: " + r.expr())
                    .isFalse();
        }
    }

    @Test
    void theSubsetCheckRejectsWhatTheEvaluatorLacks() {
        for (String bad : List.of(
                "absent(up)",
                "max_over_time(rate(x[5m])[1h:5m])",
                "x offset 5m",
                "topk(3, x)",
                "label_replace(x, \"a\", \"b\", \"c\", \"d\")",
                "x > on(gpu) group_left y")) {
            Matcher m = CALL.matcher(bad);
            boolean rejected = SUBQUERY_OR_OFFSET.matcher(bad).find();
            while (m.find()) {
                rejected |= !ALLOWED_CALLS.contains(m.group(1));
            }
            assertThat(rejected).as(bad).isTrue();
        }
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() {
        Map<String, int[]> seen = new HashMap<>();
        Set<String> ruleFilesTested = new HashSet<>();
        for (Path t : RuleFiles.testFiles()) {
            JsonNode test = RuleFiles.read(t);
            test.path("rule_files")
                    .forEach(f -> ruleFilesTested.add(
                            t.getParent().resolve(f.asText()).normalize().toString()));
            for (JsonNode c : test.path("tests")) {
                for (JsonNode a : c.path("alert_rule_test")) {
                    int[] n = seen.computeIfAbsent(a.path("alertname").asText(), k -> new int[2]);
                    n[a.path("exp_alerts").isEmpty() ? 1 : 0]++;
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (String alert :
                alerts().stream().map(RuleFiles.Rule::alert).distinct().toList()) {
            int[] n = seen.getOrDefault(alert, new int[2]);
            if (n[0] == 0) {
                problems.add(alert + " never expected to fire");
            }
            if (n[1] == 0) {
                problems.add(alert + " never expected quiet");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(ruleFilesTested)
                .containsAll(RuleFiles.ruleFiles().stream()
                        .map(p -> p.normalize().toString())
                        .toList());
    }

    @Test
    void sloObjectivesAreDefinedOnceEach() {
        Map<String, Integer> good = new HashMap<>();
        Map<String, Integer> budget = new HashMap<>();
        for (RuleFiles.Rule r : RuleFiles.rules()) {
            if ("aiwatch:inference_slo_good:total".equals(r.record())) {
                good.merge(r.labels().path("slo").asText(), 1, Integer::sum);
                assertThat(r.expr()).contains("le=~");
            }
            if ("aiwatch:inference_slo_error_budget:ratio".equals(r.record())) {
                budget.merge(r.labels().path("slo").asText(), 1, Integer::sum);
            }
        }
        assertThat(good).containsExactlyInAnyOrderEntriesOf(Map.of("ttft", 1, "itl", 1, "e2e", 1));
        assertThat(budget).containsExactlyInAnyOrderEntriesOf(Map.of("ttft", 1, "itl", 1, "e2e", 1));
    }

    @Test
    void theShippedCountersFileEnablesEveryDcgmFieldTheRulesReadOnTopOfDcgmExportersDefaults() throws Exception {
        CountersFile.Selection shipped = CountersFile.load(RuleFiles.ALERTS.resolve("counters.csv"));
        assertThat(shipped.skipped()).singleElement().asString().startsWith("DCGM_FI_DEV_VGPU_LICENSE_STATUS");
        Set<DcgmField> enabled = new HashSet<>();
        shipped.entries().forEach(e -> enabled.add(e.field()));
        assertThat(enabled)
                .as("dcgm-exporter's defaults stay enabled")
                .containsAll(CountersFile.defaults().entries().stream()
                        .map(CountersFile.Entry::field)
                        .toList());
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("\\bDCGM_FI_[A-Z0-9_]+").matcher("");
        for (RuleFiles.Rule r : RuleFiles.rules()) {
            m.reset(r.expr());
            while (m.find()) {
                read.add(m.group());
            }
        }
        assertThat(read)
                .contains(
                        "DCGM_FI_DEV_ROW_REMAP_PENDING",
                        "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL",
                        "DCGM_FI_DEV_PCIE_REPLAY_COUNTER");
        for (String field : read) {
            DcgmField f = DcgmField.byName(field).orElseThrow(() -> new AssertionError(field + " is no DCGM field"));
            assertThat(f.isProvided()).as(field + " provided by aiwatch").isTrue();
            assertThat(enabled).as(field + " enabled in alerts/counters.csv").contains(f);
        }
    }

    @Test
    void inferenceAlertsOnVllmStateHaveARuleForEachSource() {
        Map<String, Set<String>> sources = new HashMap<>();
        for (RuleFiles.Rule a : alerts()) {
            String from = a.labels().path("from").asText();
            if (!from.isEmpty()) {
                sources.computeIfAbsent(a.alert(), k -> new TreeSet<>()).add(from);
                assertThat(a.expr())
                        .as(a.alert() + " from=" + from + " reads only its own source")
                        .contains(from.equals("vllm") ? "vllm:" : "aiwatch_inference_")
                        .doesNotContain(from.equals("vllm") ? "aiwatch_inference_" : "vllm:");
            }
        }
        assertThat(sources)
                .containsOnlyKeys("InferenceKvCacheSaturated", "InferenceRequestsFailing", "InferencePreemptionsHigh")
                .allSatisfy((alert, from) -> assertThat(from).as(alert).containsExactly("aiwatch", "vllm"));
    }

    private static List<RuleFiles.Rule> alerts() {
        return RuleFiles.rules().stream().filter(r -> r.alert() != null).toList();
    }

    /** The text of the markdown section whose heading's GitHub anchor is {@code anchor}, or null. */
    static String section(String markdown, String anchor) {
        String[] lines = markdown.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("#") && anchor(lines[i]).equals(anchor)) {
                int level = lines[i].indexOf(' ');
                StringBuilder sb = new StringBuilder();
                for (int j = i + 1; j < lines.length; j++) {
                    if (lines[j].startsWith("#") && lines[j].indexOf(' ') <= level) {
                        break;
                    }
                    sb.append(lines[j]).append('\n');
                }
                return sb.toString();
            }
        }
        return null;
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "")
                .trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }
}
