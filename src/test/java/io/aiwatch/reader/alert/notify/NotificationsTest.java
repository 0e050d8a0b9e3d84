package io.aiwatch.reader.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.reader.alert.rules.AlertState;
import io.aiwatch.reader.alert.rules.AlertState.State;
import io.aiwatch.reader.alert.rules.Rule;
import io.aiwatch.reader.alert.rules.RuleLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Prometheus' sending rules: what is sent when, with which startsAt and endsAt. */
class NotificationsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Notifications n =
            new Notifications(Duration.ofMinutes(1), Map.of("cluster", "c1", "gpu", "x"), "http://h:9400/");
    private final Rule.Group group;

    NotificationsTest() throws Exception {
        group = RuleLoader.parse(
                        "r.yml",
                        "groups:\n  - name: g\n    interval: 15s\n    rules:\n      - alert: A\n        expr: up == 0\n",
                        Duration.ofSeconds(1))
                .get(0);
    }

    private static Map<Integer, Map<SortedMap<String, String>, AlertState>> states(AlertState a) {
        Map<SortedMap<String, String>, AlertState> m = new LinkedHashMap<>();
        m.put(a.labels(), a);
        return Map.of(0, m);
    }

    private static AlertState alert(State s, Instant resolvedAt) {
        SortedMap<String, String> labels = new TreeMap<>(Map.of("alertname", "A", "gpu", "0", "empty", ""));
        return new AlertState(
                labels,
                Map.of("summary", "s", "none", ""),
                s,
                1,
                T0,
                s == State.PENDING ? null : T0,
                resolvedAt,
                null,
                null,
                null);
    }

    @Test
    void pendingAlertsAreNeverSent() {
        assertThat(n.due(group, states(alert(State.PENDING, null)), T0).alerts())
                .isEmpty();
    }

    @Test
    void firingAlertIsSentThenResentOnlyAfterTheResendDelayHasStrictlyPassed() {
        Notifications.Due d = n.due(group, states(alert(State.FIRING, null)), T0);
        PostableAlert p = d.alerts().get(0);
        assertThat(p.startsAt()).isEqualTo(T0);
        assertThat(p.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(4)));
        assertThat(p.labels())
                .containsEntry("cluster", "c1")
                .containsEntry("gpu", "0")
                .doesNotContainKey("empty");
        assertThat(p.annotations()).containsOnlyKeys("summary");
        assertThat(p.generatorUrl()).isEqualTo("http://h:9400/graph?g0.expr=up+%3D%3D+0&g0.tab=1");
        d = n.due(group, d.states(), T0.plusSeconds(60));
        assertThat(d.alerts()).isEmpty();
        d = n.due(group, d.states(), T0.plusSeconds(61));
        assertThat(d.alerts()).singleElement().extracting(PostableAlert::endsAt).isEqualTo(T0.plusSeconds(61 + 240));
        assertThat(d.alerts().get(0).startsAt()).isEqualTo(T0);
    }

    @Test
    void resolvedAlertIsSentAtOnceWithEndsAtResolvedAndThenResent() {
        Notifications.Due d = n.due(group, states(alert(State.FIRING, null)), T0);
        Instant resolved = T0.plusSeconds(10);
        AlertState r = d.states().get(0).values().iterator().next().with(State.INACTIVE, T0, resolved, null);
        d = n.due(group, Map.of(0, Map.of(r.labels(), r)), resolved);
        assertThat(d.alerts()).singleElement().satisfies(p -> {
            assertThat(p.endsAt()).isEqualTo(resolved);
            assertThat(p.resolvedAt(resolved)).isTrue();
        });
        assertThat(n.due(group, d.states(), resolved.plusSeconds(30)).alerts()).isEmpty();
        assertThat(n.due(group, d.states(), resolved.plusSeconds(61)).alerts())
                .singleElement()
                .extracting(PostableAlert::endsAt)
                .isEqualTo(resolved);
    }

    @Test
    void validityUsesTheEvaluationIntervalWhenItIsLongerThanTheResendDelay() throws Exception {
        Rule.Group slow = new Rule.Group("g", "r.yml", Duration.ofMinutes(2), group.rules());
        List<PostableAlert> sent =
                n.due(slow, states(alert(State.FIRING, null)), T0).alerts();
        assertThat(sent.get(0).endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(8)));
    }
}
