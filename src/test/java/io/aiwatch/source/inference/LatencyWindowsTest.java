package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.inference.FixtureServer.TestClock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyWindowsTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double[] BOUNDS = {0.1, 0.5, 1.0, INF};

    @Test
    void interpolatesLikeHistogramQuantile() {
        double[] cumulative = {10, 60, 100, 100};
        assertThat(LatencyWindows.quantile(0.5, BOUNDS, cumulative)).isCloseTo(0.1 + 0.4 * (40.0 / 50), within(1e-12));
        assertThat(LatencyWindows.quantile(0.05, BOUNDS, cumulative)).isCloseTo(0.05, within(1e-12));
        assertThat(LatencyWindows.quantile(0.99, BOUNDS, new double[] {0, 0, 1, 5}))
                .as("+Inf bucket gives highest bound")
                .isEqualTo(1.0);
        assertThat(LatencyWindows.quantile(0.5, BOUNDS, new double[] {0, 0, 0, 0}))
                .isNaN();
    }

    @Test
    void windowsUseIncreasesAndSurviveACounterReset() {
        LatencyWindows w = new LatencyWindows();
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        Labels series = Labels.of("target", "t");
        w.record("x_seconds", series, BOUNDS, new double[] {1000, 1000, 1000, 1000}, t0); // old, all fast
        w.record("x_seconds", series, BOUNDS, new double[] {1000, 1000, 1000, 1000}, t0.plusSeconds(240));
        w.record("x_seconds", series, BOUNDS, new double[] {1000, 1000, 1010, 1010}, t0.plusSeconds(270));
        w.record("x_seconds", series, BOUNDS, new double[] {0, 0, 10, 10}, t0.plusSeconds(300)); // restart
        w.endScrape();

        Map<String, Double> q = quantiles(w, t0.plusSeconds(300));
        // 1m window: 10 slow (0.5..1.0] before the restart + 10 slow after it; nothing fast.
        assertThat(q.get("0.5/1m")).isCloseTo(0.75, within(1e-9));
        // 5m window from t0: +1000 fast never happened inside it (t0 is the baseline), so same answer.
        assertThat(q.get("0.5/5m")).isCloseTo(0.75, within(1e-9));
        assertThat(q.get("0.99/1m")).isCloseTo(0.5 + 0.5 * 0.99, within(1e-9));
    }

    @Test
    void collectorPublishesWindowGaugesFromAChangingTarget() throws Exception {
        String template = """
                # TYPE vllm:time_to_first_token_seconds histogram
                vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} %d
                vllm:time_to_first_token_seconds_bucket{le="1.0",model_name="m"} %d
                vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} %d
                vllm:time_to_first_token_seconds_count{model_name="m"} %d
                vllm:time_to_first_token_seconds_sum{model_name="m"} 1.0
                """;
        try (FixtureServer server = new FixtureServer()) {
            TestClock clock = new TestClock();
            VllmCollector c = VllmCollectorTest.collector(server.url(), "w", clock);
            server.body.set(template.formatted(100, 100, 100, 100));
            Snapshot first = c.collect();
            assertThat(VllmCollectorTest.family(first, "aiwatch_inference_time_to_first_token_window_seconds"))
                    .as("one snapshot has no increase yet")
                    .isEmpty();

            clock.advanceSeconds(30);
            server.body.set(template.formatted(100, 200, 200, 200)); // 100 new requests in (0.1, 1.0]
            Snapshot second = c.collect();

            MetricFamily window = VllmCollectorTest.family(
                            second, "aiwatch_inference_time_to_first_token_window_seconds")
                    .orElseThrow();
            assertThat(window.samples()).hasSize(6);
            Labels p99 = Labels.of("target", "w", "model", "m", "quantile", "0.99", "window", "1m");
            assertThat(window.samples().stream()
                            .filter(s -> s.labels().equals(p99))
                            .findFirst()
                            .orElseThrow()
                            .value())
                    .isCloseTo(0.1 + 0.9 * 0.99, within(1e-9));

            clock.advanceSeconds(400);
            Snapshot later = c.collect(); // unchanged target: no increase in either window
            assertThat(VllmCollectorTest.family(later, "aiwatch_inference_time_to_first_token_window_seconds"))
                    .isEmpty();
        }
    }

    private static Map<String, Double> quantiles(LatencyWindows w, Instant now) {
        java.util.Map<String, Double> m = new java.util.HashMap<>();
        for (MetricFamily f : w.families(now, Map.of())) {
            f.samples()
                    .forEach(s ->
                            m.put(s.labels().get("quantile") + "/" + s.labels().get("window"), s.value()));
        }
        return m;
    }
}
