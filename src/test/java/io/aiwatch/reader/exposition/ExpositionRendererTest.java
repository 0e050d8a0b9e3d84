package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renderer writes a family that several collectors share once, with all their samples. */
class ExpositionRendererTest {
    private final SnapshotStore store =
            new SnapshotStore(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    private void publish(String collector, MetricFamily... families) {
        store.register(collector, Duration.ofSeconds(5), Duration.ofSeconds(15));
        store.publish(collector, Snapshot.of(List.of(families)), store.now(), 0, 0);
    }

    private static MetricFamily up(String target, double v) {
        return MetricFamily.builder("aiwatch_inference_target_up", MetricType.GAUGE, "1 when up.")
                .add(Labels.of("target", target), v)
                .build();
    }

    private static MetricFamily errors(String target, long n) {
        return MetricFamily.builder("aiwatch_inference_scrape_errors_total", MetricType.COUNTER, "Failed scrapes.")
                .add(Labels.of("target", target), n)
                .build();
    }

    private String body(Format format) {
        String all = new String(new ExpositionRenderer(store).render(format), StandardCharsets.UTF_8);
        // The collector self-metrics block comes last; its first line names aiwatch_collector_.
        int self = all.indexOf(" aiwatch_collector_");
        return all.substring(0, all.lastIndexOf('\n', self) + 1);
    }

    @Test
    void familiesOfSeveralCollectorsAreMergedUnderOneHelpAndType() {
        publish("inference-a", up("a", 1), errors("a", 2));
        publish(
                "gpu",
                MetricFamily.builder("DCGM_FI_DEV_GPU_TEMP", MetricType.GAUGE, "Temp.")
                        .add(Labels.of("gpu", "0"), 40)
                        .build());
        publish("inference-b", up("b", 0), errors("b", 5));

        assertThat(body(Format.TEXT_0_0_4)).isEqualTo("""
                        # HELP aiwatch_inference_target_up 1 when up.
                        # TYPE aiwatch_inference_target_up gauge
                        aiwatch_inference_target_up{target="a"} 1
                        aiwatch_inference_target_up{target="b"} 0
                        # HELP aiwatch_inference_scrape_errors_total Failed scrapes.
                        # TYPE aiwatch_inference_scrape_errors_total counter
                        aiwatch_inference_scrape_errors_total{target="a"} 2
                        aiwatch_inference_scrape_errors_total{target="b"} 5
                        # HELP DCGM_FI_DEV_GPU_TEMP Temp.
                        # TYPE DCGM_FI_DEV_GPU_TEMP gauge
                        DCGM_FI_DEV_GPU_TEMP{gpu="0"} 40
                        """);
        assertThat(body(Format.OPENMETRICS_1_0_0)).isEqualTo("""
                        # TYPE aiwatch_inference_target_up gauge
                        # HELP aiwatch_inference_target_up 1 when up.
                        aiwatch_inference_target_up{target="a"} 1
                        aiwatch_inference_target_up{target="b"} 0
                        # TYPE aiwatch_inference_scrape_errors counter
                        # HELP aiwatch_inference_scrape_errors Failed scrapes.
                        aiwatch_inference_scrape_errors_total{target="a"} 2
                        aiwatch_inference_scrape_errors_total{target="b"} 5
                        # TYPE DCGM_FI_DEV_GPU_TEMP gauge
                        # HELP DCGM_FI_DEV_GPU_TEMP Temp.
                        DCGM_FI_DEV_GPU_TEMP{gpu="0"} 40
                        """);
    }

    @Test
    void aCollectorSharingNothingIsWrittenAsItWas() {
        publish("inference-a", up("a", 1), errors("a", 2));
        String alone = body(Format.TEXT_0_0_4);
        StringBuilder expected = new StringBuilder();
        TextFormat.write(expected, up("a", 1));
        TextFormat.write(expected, errors("a", 2));
        assertThat(alone).isEqualTo(expected.toString());
    }

    @Test
    void aNewSnapshotReplacesItsSamplesInTheMergedFamily() {
        publish("inference-a", up("a", 1));
        publish("inference-b", up("b", 1));
        assertThat(body(Format.TEXT_0_0_4)).contains("{target=\"b\"} 1\n");
        store.publish("inference-b", Snapshot.of(List.of(up("b", 0))), store.now(), 0, 0);
        assertThat(body(Format.TEXT_0_0_4)).contains("{target=\"b\"} 0\n").doesNotContain("{target=\"b\"} 1\n");
    }
}
