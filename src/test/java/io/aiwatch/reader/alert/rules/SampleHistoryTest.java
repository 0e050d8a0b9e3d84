package io.aiwatch.reader.alert.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.alert.promql.Engine;
import io.aiwatch.reader.alert.promql.Expr;
import io.aiwatch.reader.alert.promql.SampleHistory;
import io.aiwatch.reader.alert.promql.Series;
import io.aiwatch.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SampleHistoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static List<Expr.Matcher> named(String name) {
        return List.of(Expr.Matcher.of("__name__", Expr.MatchType.EQ, name));
    }

    private static Snapshot snapshot(double... perGpu) {
        MetricFamily.Builder b = MetricFamily.builder("temp", MetricType.GAUGE, "t");
        for (int i = 0; i < perGpu.length; i++) {
            b.add(Labels.of("gpu", String.valueOf(i), "empty", ""), perGpu[i]);
        }
        return Snapshot.of(List.of(b.build()));
    }

    @Test
    void copiesEachNewSnapshotOnceAtItsCollectionTime() {
        ManualClock clock = new ManualClock(T0);
        SnapshotStore store = new SnapshotStore(clock);
        store.register("c", Duration.ofSeconds(1), Duration.ofSeconds(4));
        SampleHistory h = new SampleHistory(Duration.ofMinutes(10), 100, 1000);
        store.publish("c", snapshot(50, 60), T0, 0, 0);
        h.ingest(store, T0);
        h.ingest(store, T0.plusMillis(500));
        store.publish("c", snapshot(51, 61), T0.plusSeconds(1), 0, 0);
        h.ingest(store, T0.plusSeconds(1));
        List<Series> s = h.select(named("temp"));
        assertThat(s).hasSize(2);
        assertThat(s.get(0).size()).isEqualTo(2);
        assertThat(s.get(0).labels()).containsOnlyKeys("__name__", "gpu");
        assertThat(s.get(0).time(1)).isEqualTo(T0.plusSeconds(1).toEpochMilli());
    }

    @Test
    void addsTargetLabelsAsPrometheusDoesOnScrapeWithoutOverridingTheSeriesOwn() {
        ManualClock clock = new ManualClock(T0);
        SnapshotStore store = new SnapshotStore(clock);
        store.register("c", Duration.ofSeconds(1), Duration.ofSeconds(4));
        SampleHistory h = new SampleHistory(Duration.ofMinutes(10), 100, 1000);
        h.targetLabels(Map.of("instance", "node-1:9400", "job", "aiwatch", "gpu", "not-this"));
        store.publish("c", snapshot(50), T0, 0, 0);
        h.ingest(store, T0);
        assertThat(h.select(named("temp")))
                .singleElement()
                .satisfies(series -> assertThat(series.labels())
                        .containsEntry("instance", "node-1:9400")
                        .containsEntry("job", "aiwatch")
                        .containsEntry("gpu", "0"));
    }

    @Test
    void marksVanishedSeriesAndStaleCollectorsStale() {
        ManualClock clock = new ManualClock(T0);
        SnapshotStore store = new SnapshotStore(clock);
        store.register("c", Duration.ofSeconds(1), Duration.ofSeconds(4));
        SampleHistory h = new SampleHistory(Duration.ofMinutes(10), 100, 1000);
        Engine engine = new Engine(h, Engine.DEFAULT_LOOKBACK);
        store.publish("c", snapshot(50, 60), T0, 0, 0);
        h.ingest(store, T0);
        store.publish("c", snapshot(50), T0.plusSeconds(1), 0, 0);
        h.ingest(store, T0.plusSeconds(1));
        Expr.Selector temp = new Expr.Selector("temp", named("temp"));
        assertThat(engine.vector(temp, T0.plusSeconds(1).toEpochMilli())).hasSize(1);
        h.ingest(store, T0.plusSeconds(10));
        assertThat(engine.vector(temp, T0.plusSeconds(10).toEpochMilli())).isEmpty();
        assertThat(engine.vector(temp, T0.plusSeconds(9).toEpochMilli())).hasSize(1);
    }

    @Test
    void boundsSeriesCountAndAge() {
        SampleHistory h = new SampleHistory(Duration.ofSeconds(10), 2, 4);
        for (int i = 0; i < 3; i++) {
            h.append(new TreeMap<>(Map.of("__name__", "x", "i", String.valueOf(i))), 0, i);
        }
        assertThat(h.seriesCount()).isEqualTo(2);
        assertThat(h.droppedSeries()).isEqualTo(1);
        Map<String, String> x0 = new TreeMap<>(Map.of("__name__", "x", "i", "0"));
        for (int s = 1; s <= 6; s++) {
            h.append(x0, s * 1000L, s);
        }
        Series ring = h.select(named("x")).stream()
                .filter(s -> s.labels().get("i").equals("0"))
                .findFirst()
                .orElseThrow();
        assertThat(ring.size()).isEqualTo(4);
        assertThat(ring.value(0)).isEqualTo(3.0);
        h.trim(Instant.ofEpochSecond(15));
        assertThat(ring.size()).isEqualTo(2);
        h.trim(Instant.ofEpochSecond(100));
        assertThat(h.seriesCount()).isZero();
    }

    @Test
    void keepsOnlyMetricsTheRulesSelect() throws Exception {
        List<Rule.Group> groups = RuleLoader.parse("r.yml", """
                groups:
                  - name: g
                    interval: 1s
                    rules:
                      - alert: A
                        expr: rate(c_total[10m]) > 0 and g > 1
                """, Duration.ofSeconds(1));
        SampleHistory.Retention r = RetentionPlan.of(groups, Duration.ofMinutes(5));
        assertThat(r.byName()).containsOnlyKeys("c_total", "g");
        assertThat(r.byName().get("c_total")).isEqualTo(Duration.ofSeconds(602));
        assertThat(r.byName().get("g")).isEqualTo(Duration.ofSeconds(302));
        SampleHistory h = new SampleHistory(r, 10, 100);
        h.append(new TreeMap<>(Map.of("__name__", "unused")), 0, 1);
        h.append(new TreeMap<>(Map.of("__name__", "g")), 0, 1);
        assertThat(h.seriesCount()).isEqualTo(1);
        assertThat(h.droppedSeries()).isZero();
    }
}
