package io.aiwatch.reader.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.reader.otlp.Rule.Kind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoreMetricProducerTest {
    private static MetricData metric(Collection<MetricData> batch, String name) {
        return batch.stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name));
    }

    private static LongPointData tokens(Collection<MetricData> batch, String type) {
        return metric(batch, "aiwatch.inference.tokens").getLongSumData().getPoints().stream()
                .filter(p -> type.equals(p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"))))
                .findFirst()
                .orElseThrow();
    }

    private static long nanos(java.time.Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

    @Test
    void keepsOneStartTimePerCounterSeriesAndRestartsItOnReset() {
        OtlpFixtures fx = new OtlpFixtures();
        var producer = new StoreMetricProducer(fx.store, "t");
        long t1 = nanos(fx.clock.instant());
        LongPointData first = tokens(producer.produce(Resource.empty()), "input");
        assertThat(first.getStartEpochNanos()).isEqualTo(t1);
        assertThat(first.getEpochNanos()).isEqualTo(t1);

        fx.clock.advance(Duration.ofSeconds(5));
        fx.publishAll(150);
        LongPointData second = tokens(producer.produce(Resource.empty()), "input");
        assertThat(second.getValue()).isEqualTo(150);
        assertThat(second.getStartEpochNanos()).isEqualTo(t1);
        assertThat(second.getEpochNanos()).isEqualTo(nanos(fx.clock.instant()));

        long t2 = second.getEpochNanos();
        fx.clock.advance(Duration.ofSeconds(5));
        fx.publishAll(20); // vLLM restarted: the counter went down
        LongPointData third = tokens(producer.produce(Resource.empty()), "input");
        assertThat(third.getValue()).isEqualTo(20);
        assertThat(third.getStartEpochNanos()).isEqualTo(t2);
    }

    @Test
    void leavesStaleSnapshotsOutAndForgetsTheirSeries() {
        OtlpFixtures fx = new OtlpFixtures();
        var producer = new StoreMetricProducer(fx.store, "t");
        Collection<MetricData> fresh = producer.produce(Resource.empty());
        assertThat(fresh).extracting(MetricData::getName).contains("hw.power", "system.disk.io");
        int before = producer.trackedSeries();

        fx.clock.advance(Duration.ofSeconds(31)); // past staleAfter (30 s) for every collector
        Collection<MetricData> stale = producer.produce(Resource.empty());
        assertThat(stale)
                .extracting(MetricData::getName)
                .doesNotContain("hw.power", "system.disk.io", "gen_ai.server.time_to_first_token")
                .contains("aiwatch.collector.up"); // the self-metrics still say why
        assertThat(metric(stale, "aiwatch.collector.up").getLongGaugeData().getPoints())
                .allMatch(p -> p.getValue() == 0);
        assertThat(producer.trackedSeries()).isLessThan(before);
    }

    @Test
    void aMalformedFamilyIsLeftOutAndTheRestStillExported() {
        OtlpFixtures fx = new OtlpFixtures();
        String h = "aiwatch_inference_e2e_request_latency_seconds";
        var bad = MetricFamily.builder(h, MetricType.HISTOGRAM, "broken")
                .addSample(h + "_bucket", Labels.of("target", "t", "le", "not-a-number"), 1)
                .addSample(h + "_count", Labels.of("target", "t"), 1)
                .build();
        List<MetricFamily> families = new ArrayList<>(OtlpFixtures.inference(1));
        families.add(bad);
        fx.store.publish("inference", Snapshot.of(families), fx.clock.instant(), 0, 0);
        var producer = new StoreMetricProducer(fx.store, "t");
        Collection<MetricData> batch = producer.produce(Resource.empty());
        assertThat(batch)
                .extracting(MetricData::getName)
                .doesNotContain("gen_ai.server.request.duration")
                .contains("gen_ai.server.time_to_first_token", "hw.power");
    }

    @Test
    void exportsReadersSelfMetricsFromTheStoreWithTheGenericNamingRule() {
        OtlpFixtures fx = new OtlpFixtures();
        var self =
                List.of(MetricFamily.builder("aiwatch_http_auth_failures_total", MetricType.COUNTER, "Auth failures.")
                        .add(Labels.EMPTY, 3)
                        .build());
        fx.store.register("http", Duration.ofSeconds(1), Duration.ofSeconds(3));
        fx.store.publish("http", Snapshot.of(self), fx.store.now(), 0, 0);
        Collection<MetricData> batch = new StoreMetricProducer(fx.store, "t").produce(Resource.empty());
        MetricData m = metric(batch, "aiwatch.http.auth_failures");
        assertThat(m.getType()).isEqualTo(MetricDataType.DOUBLE_SUM);
        assertThat(m.getDoubleSumData().isMonotonic()).isTrue();
        assertThat(m.getDoubleSumData().getPoints())
                .singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(3));
    }

    @Test
    void genericNamesTakeTheUnitFromTheSuffix() {
        assertThat(SemanticMapping.generic("aiwatch_collector_snapshot_age_seconds", Kind.GAUGE, ""))
                .satisfies(r -> {
                    assertThat(r.name()).isEqualTo("aiwatch.collector.snapshot_age");
                    assertThat(r.unit()).isEqualTo("s");
                });
        assertThat(SemanticMapping.generic("aiwatch_zfs_arc_size_bytes", Kind.GAUGE, "")
                        .unit())
                .isEqualTo("By");
        assertThat(SemanticMapping.generic("aiwatch_zfs_arc_size_bytes", Kind.GAUGE, "")
                        .domain())
                .isEqualTo(Rule.Domain.STORAGE);
    }

    @Test
    void familiesSharingAnOtelMetricAgreeOnItsShape() {
        Map<String, Rule> byName = new HashMap<>();
        SemanticMapping.table().forEach((family, rule) -> {
            Rule other = byName.putIfAbsent(rule.name(), rule);
            if (other != null) {
                assertThat(rule.kind()).as(family).isEqualTo(other.kind());
                assertThat(rule.unit()).as(family).isEqualTo(other.unit());
                assertThat(rule.integer()).as(family).isEqualTo(other.integer());
                assertThat(rule.fixed())
                        .as(family + " must differ by a fixed attribute")
                        .isNotEqualTo(other.fixed());
            }
        });
        assertThat(byName)
                .containsKeys("hw.gpu.utilization", "hw.temperature", "system.disk.io", "aiwatch.inference.tokens");
    }
}
