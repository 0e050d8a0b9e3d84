package io.aiwatch.reader.alert.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {
    private static final String GOOD = """
            groups:
              - name: gpu
                interval: 30s
                rules:
                  - record: gpu:power:ratio
                    expr: DCGM_FI_DEV_POWER_USAGE / DCGM_FI_DEV_ENFORCED_POWER_LIMIT
                  - alert: PowerHigh
                    expr: gpu:power:ratio > 0.95
                    for: 5m
                    keep_firing_for: 1m
                    labels: {severity: warning}
                    annotations: {summary: "{{ $labels.gpu }} at {{ $value | humanizePercentage }}"}
              - name: other
                rules:
                  - alert: Down
                    expr: up == 0
            """;

    @Test
    void loadsGroupsRulesAndDurations() throws Exception {
        List<Rule.Group> groups = RuleLoader.parse("a.yml", GOOD, Duration.ofSeconds(1));
        assertThat(groups).extracting(Rule.Group::name).containsExactly("gpu", "other");
        assertThat(groups.get(0).interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(groups.get(1).interval()).isEqualTo(Duration.ofSeconds(1));
        Rule.Alerting a = (Rule.Alerting) groups.get(0).rules().get(1);
        assertThat(a.hold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.keepFiringFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.source()).isEqualTo("a.yml:8");
        assertThat(groups.get(0).rules().get(0)).isInstanceOf(Rule.Recording.class);
    }

    @Test
    void refusesAnExpressionOutsideTheSubsetWithFileAndLine() {
        String text = GOOD.replace("expr: up == 0", "expr: topk(3, up)");
        assertThatThrownBy(() -> RuleLoader.parse("rules/a.yml", text, Duration.ofSeconds(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "rules/a.yml:16: expression outside the supported PromQL subset: aggregation 'topk' is not supported");
    }

    @Test
    void pointsAtTheLineInsideABlockExpression() {
        String text = """
                groups:
                  - name: g
                    rules:
                      - alert: A
                        expr: |
                          sum(x)
                          / quantile_over_time(0.9, y[5m])
                """;
        assertThatThrownBy(() -> RuleLoader.parse("b.yml", text, Duration.ofSeconds(1)))
                .hasMessageStartingWith("b.yml:7: ")
                .hasMessageContaining("quantile_over_time");
    }

    @Test
    void refusesUnknownKeysBadTemplatesAndMissingExpr() {
        assertThatThrownBy(() -> RuleLoader.parse(
                        "c.yml", GOOD.replace("for: 5m", "for: 5m\n        fore: 1m"), Duration.ofSeconds(1)))
                .hasMessageStartingWith("c.yml:10: unknown key 'fore'");
        assertThatThrownBy(() -> RuleLoader.parse(
                        "c.yml", GOOD.replace("humanizePercentage", "reReplaceAll"), Duration.ofSeconds(1)))
                .hasMessageStartingWith("c.yml:12: summary: ")
                .hasMessageContaining("reReplaceAll");
        assertThatThrownBy(
                        () -> RuleLoader.parse("c.yml", GOOD.replace("    expr: up == 0\n", ""), Duration.ofSeconds(1)))
                .hasMessageContaining("missing 'expr'");
        assertThatThrownBy(() -> RuleLoader.parse("c.yml", "groups: [", Duration.ofSeconds(1)))
                .hasMessageStartingWith("c.yml: not valid YAML");
    }

    @Test
    void expandsGlobsInOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.yml"), "groups:\n  - name: b\n    rules: []\n");
        Files.writeString(dir.resolve("a.yml"), "groups:\n  - name: a\n    rules: []\n");
        Files.writeString(dir.resolve("notes.txt"), "x");
        assertThat(RuleLoader.load(List.of(dir + "/*.yml"), Duration.ofSeconds(1)))
                .extracting(Rule.Group::name)
                .containsExactly("a", "b");
        assertThatThrownBy(() -> RuleLoader.load(List.of(dir + "/missing.yml"), Duration.ofSeconds(1)))
                .hasMessageContaining("no such rule file");
    }
}
