package io.aiwatch.reader.alert.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.reader.alert.promql.Engine;
import io.aiwatch.reader.alert.promql.SampleHistory;
import io.aiwatch.reader.alert.rules.AlertState.State;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** for:, keep_firing_for:, resolution and retention, stepped by hand at a 1 s interval. */
class AlertEvaluatorTest {
    private final SampleHistory history = new SampleHistory(Duration.ofDays(1), 1000, 100_000);
    private final AlertEvaluator evaluator = new AlertEvaluator(Engine.DEFAULT_LOOKBACK, Map.of("cluster", "c1"));
    private Map<Integer, Map<SortedMap<String, String>, AlertState>> state = new HashMap<>();

    private Rule.Group group(String rules) throws Exception {
        return RuleLoader.parse(
                        "r.yml", "groups:\n  - name: g\n    interval: 1s\n    rules:\n" + rules, Duration.ofSeconds(1))
                .get(0);
    }

    private void sample(long second, double v) {
        history.append(new TreeMap<>(Map.of("__name__", "temp", "gpu", "0")), second * 1000, v);
    }

    private AlertState step(Rule.Group g, long second) {
        AlertEvaluator.Result r = evaluator.evaluate(g, state, history, Instant.ofEpochSecond(second));
        assertThat(r.errors()).isEmpty();
        state = r.alerts();
        List<AlertState> all = state.get(0).values().stream().toList();
        return all.isEmpty() ? null : all.get(0);
    }

    @Test
    void pendingForTheHoldThenFiringThenResolvedAndKeptFifteenMinutes() throws Exception {
        Rule.Group g = group("""
                      - alert: Hot
                        expr: temp > 80
                        for: 3s
                        labels: {severity: page}
                """);
        sample(0, 90);
        AlertState a = step(g, 0);
        assertThat(a.state()).isEqualTo(State.PENDING);
        assertThat(a.labels())
                .containsEntry("alertname", "Hot")
                .containsEntry("severity", "page")
                .doesNotContainKey("__name__");
        assertThat(step(g, 2).state()).isEqualTo(State.PENDING);
        a = step(g, 3);
        assertThat(a.state()).isEqualTo(State.FIRING);
        assertThat(a.activeAt()).isEqualTo(Instant.ofEpochSecond(0));
        assertThat(a.firedAt()).isEqualTo(Instant.ofEpochSecond(3));
        sample(4, 70);
        a = step(g, 4);
        assertThat(a.state()).isEqualTo(State.INACTIVE);
        assertThat(a.resolvedAt()).isEqualTo(Instant.ofEpochSecond(4));
        assertThat(step(g, 4 + 900).state()).isEqualTo(State.INACTIVE);
        assertThat(step(g, 4 + 901)).isNull();
    }

    @Test
    void aPendingAlertThatClearsIsForgottenAndStartsOverLater() throws Exception {
        Rule.Group g = group("""
                      - alert: Hot
                        expr: temp > 80
                        for: 5s
                """);
        sample(0, 90);
        step(g, 0);
        sample(2, 70);
        assertThat(step(g, 2)).isNull();
        sample(3, 95);
        AlertState a = step(g, 3);
        assertThat(a.activeAt()).isEqualTo(Instant.ofEpochSecond(3));
        assertThat(step(g, 7).state()).isEqualTo(State.PENDING);
        assertThat(step(g, 8).state()).isEqualTo(State.FIRING);
    }

    @Test
    void keepFiringForHoldsTheAlertAfterTheConditionClears() throws Exception {
        Rule.Group g = group("""
                      - alert: Hot
                        expr: temp > 80
                        keep_firing_for: 3s
                """);
        sample(0, 90);
        assertThat(step(g, 0).state()).isEqualTo(State.FIRING);
        sample(1, 70);
        assertThat(step(g, 1).state()).isEqualTo(State.FIRING);
        assertThat(step(g, 3).state()).isEqualTo(State.FIRING);
        AlertState a = step(g, 4);
        assertThat(a.state()).isEqualTo(State.INACTIVE);
        assertThat(a.resolvedAt()).isEqualTo(Instant.ofEpochSecond(4));
    }

    @Test
    void templatesSeeLabelsValueAndExternalLabels() throws Exception {
        Rule.Group g = group("""
                      - alert: Hot
                        expr: temp > 80
                        annotations:
                          summary: 'GPU {{ $labels.gpu }} of {{ $externalLabels.cluster }}: {{ $value | humanize }} ({{ printf "%.1f" $value }})'
                """);
        sample(0, 1234.56);
        assertThat(step(g, 0).annotations()).containsEntry("summary", "GPU 0 of c1: 1.235k (1234.6)");
    }

    @Test
    void anEvaluationErrorKeepsThePreviousAlerts() throws Exception {
        Rule.Group g = group("""
                      - alert: Ratio
                        expr: temp / on() temp2
                """);
        sample(0, 1);
        history.append(new TreeMap<>(Map.of("__name__", "temp2", "a", "1")), 0, 1);
        assertThat(step(g, 0).state()).isEqualTo(State.FIRING);
        history.append(new TreeMap<>(Map.of("__name__", "temp2", "a", "2")), 1000, 1);
        AlertEvaluator.Result r = evaluator.evaluate(g, state, history, Instant.ofEpochSecond(1));
        assertThat(r.errors()).singleElement().asString().startsWith("r.yml:6: Ratio: found duplicate series");
        assertThat(r.alerts().get(0)).hasSize(1);
    }
}
