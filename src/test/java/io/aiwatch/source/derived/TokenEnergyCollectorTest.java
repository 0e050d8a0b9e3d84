package io.aiwatch.source.derived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.GpuStatus;
import io.aiwatch.source.inference.discovery.VllmDiscovery;
import io.aiwatch.testing.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Energy per token from a store filled as the daemon's collectors fill it, with numbers chosen so
 * the answer is known: server A on GPUs 0 and 1 (its engine core and a worker, descendants of the
 * listening process), server B on GPU 2, GPU 3 held by a process of neither.
 */
class TokenEnergyCollectorTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-08T03:00:00Z"));
    private final SnapshotStore store = new SnapshotStore(clock);
    private final Map<String, Double> energyMj = new HashMap<>();

    private static GpuDeviceInfo gpu(int i) {
        return new GpuDeviceInfo(
                i, "GPU-" + i, "0:" + i, i, "H100", "NVIDIA", "s", "v", 80L << 30, 700, 90, 95, 95, true);
    }

    private void publish(String name, Snapshot s) {
        store.register(name, Duration.ofSeconds(1), Duration.ofSeconds(3));
        store.publish(name, s, clock.instant(), 0, 0);
    }

    /** Watts per GPU for the next {@code seconds}; tokens and requests of A and B at the end. */
    private void step(int seconds, double[] watts, double tokA, double reqA, double tokB, double reqB) {
        clock.advance(Duration.ofSeconds(seconds));
        var energy = MetricFamily.builder(
                "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
                MetricType.COUNTER,
                "Total energy consumption since boot (in mJ).");
        for (int i = 0; i < 4; i++) {
            double e = energyMj.merge("GPU-" + i, watts[i] * seconds * 1000, Double::sum);
            energy.add(Labels.of("gpu", Integer.toString(i), "UUID", "GPU-" + i), e);
        }
        publish("gpu", Snapshot.of(List.of(energy.build())));
        publish("inference-a", server("org/a-8b", tokA, reqA));
        publish("inference-b", server("org/b-70b", tokB, reqB));
    }

    private static Snapshot server(String model, double tokens, double requests) {
        return Snapshot.of(List.of(
                MetricFamily.builder("aiwatch_inference_generation_tokens_total", MetricType.COUNTER, "t")
                        .add(Labels.of("target", "x", "model", model), tokens)
                        .build(),
                MetricFamily.builder("aiwatch_inference_requests_finished_total", MetricType.COUNTER, "r")
                        .add(Labels.of("target", "x", "model", model, "reason", "stop"), requests * 0.75)
                        .add(Labels.of("target", "x", "model", model, "reason", "length"), requests * 0.25)
                        .build()));
    }

    private static double value(Snapshot s, String family, String target, String window) {
        for (MetricFamily f : s.families()) {
            if (f.name().equals(family)) {
                for (Sample x : f.samples()) {
                    if (x.labels().get("target").equals(target)
                            && x.labels().get("window").equals(window)) {
                        return x.value();
                    }
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void joulesPerTokenAndPerRequestOverEachWindow() {
        // A: pid 100 listens, 101 (engine core) on GPU 0, 102 (worker) on GPU 1; B: pid 200 on GPU 2
        publish(
                "gpu_slow",
                Snapshot.of(
                        List.of(),
                        GpuStatus.PROCESSES,
                        new GpuStatus(
                                "simulated",
                                "1",
                                List.of(
                                        new GpuStatus.Device(gpu(0), true, null, Set.of(), Set.of(101L)),
                                        new GpuStatus.Device(gpu(1), true, null, Set.of(), Set.of(102L)),
                                        new GpuStatus.Device(gpu(2), true, null, Set.of(), Set.of(200L)),
                                        new GpuStatus.Device(gpu(3), true, null, Set.of(), Set.of(999L))))));
        publish(
                "inference-discovery",
                Snapshot.of(
                        List.of(),
                        VllmDiscovery.STATUS,
                        new VllmDiscovery.Status(
                                List.of(
                                        new VllmDiscovery.Found(
                                                "a",
                                                URI.create("http://127.0.0.1:1/metrics"),
                                                "process",
                                                100,
                                                Set.of(100L, 101L, 102L),
                                                "",
                                                ""),
                                        new VllmDiscovery.Found(
                                                "b",
                                                URI.create("http://127.0.0.1:2/metrics"),
                                                "process",
                                                200,
                                                Set.of(200L),
                                                "",
                                                "")),
                                0,
                                null,
                                clock.instant())));
        TokenEnergyCollector c = new TokenEnergyCollector(store, Duration.ofSeconds(1));
        double[] busy = {400, 300, 600, 80};
        step(0, busy, 1_000, 10, 0, 0);
        Snapshot s = c.collect();
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "a", "1m"))
                .isNaN();
        // 30 s: A made 3500 tokens and 35 requests; B nothing yet
        step(30, busy, 4_500, 45, 0, 0);
        s = c.collect();
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "a", "1m"))
                .as("history shorter than the window")
                .isNaN();
        // 30 s more: A 3000 more tokens, 30 requests; B 900 tokens, 3 requests
        step(30, busy, 7_500, 75, 900, 3);
        s = c.collect();
        // A over 60 s: GPUs 0+1 at 700 W = 42 000 J, 6500 tokens, 65 requests
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "a", "1m"))
                .isCloseTo(42_000.0 / 6_500, within(1e-9));
        assertThat(value(s, "aiwatch_inference_energy_per_request_joules", "a", "1m"))
                .isCloseTo(42_000.0 / 65, within(1e-9));
        // B: GPU 2 at 600 W = 36 000 J for 900 tokens and 3 requests; GPU 3 belongs to nobody
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "b", "1m"))
                .isCloseTo(40.0, within(1e-9));
        assertThat(value(s, "aiwatch_inference_energy_per_request_joules", "b", "1m"))
                .isCloseTo(12_000.0, within(1e-9));
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "a", "5m"))
                .isNaN();
        assertThat(s.families().stream()
                        .filter(f -> f.name().equals("aiwatch_inference_energy_per_output_token_joules"))
                        .findFirst()
                        .orElseThrow()
                        .samples()
                        .get(0)
                        .labels()
                        .get("model"))
                .isEqualTo("org/a-8b");
        assertThat(s.families().stream()
                        .filter(f -> f.name().equals("aiwatch_inference_target_gpu_info"))
                        .findFirst()
                        .orElseThrow()
                        .samples())
                .extracting(x -> x.labels().get("target") + "/" + x.labels().get("gpu"))
                .containsExactly("a/0", "a/1", "b/2");

        // four more minutes, idle power on A's GPUs, A still busy at 50 tok/s; the 1m window slides
        double[] idle = {100, 100, 600, 80};
        for (int i = 0; i < 8; i++) {
            step(30, idle, 7_500 + 1_500 * (i + 1), 75 + 15 * (i + 1), 900, 3);
            s = c.collect();
        }
        // last minute for A: 200 W x 60 s = 12 000 J over 3000 tokens and 30 requests
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "a", "1m"))
                .isCloseTo(4.0, within(1e-9));
        assertThat(value(s, "aiwatch_inference_energy_per_request_joules", "a", "1m"))
                .isCloseTo(400.0, within(1e-9));
        // B made no tokens in the last minute: no reading rather than infinity
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "b", "1m"))
                .isNaN();
        // 5 m for A: from the first reading (300 s before the last): 60 s busy at 700 W (42 000 J)
        // + 240 s idle at 200 W (48 000 J), over 19 500 - 1 000 tokens
        assertThat(value(s, "aiwatch_inference_energy_per_output_token_joules", "a", "5m"))
                .isCloseTo((42_000.0 + 48_000) / 18_500, within(1e-9));
    }

    @Test
    void aSharedGpuIsSplitByTokens() {
        EnergyWindows w = new EnergyWindows(Duration.ofMinutes(5));
        Instant t0 = Instant.parse("2026-12-08T03:00:00Z");
        w.add(
                t0,
                Map.of("G", 0.0),
                Map.of(
                        "x", new EnergyWindows.Server("m", List.of("G"), 0, 0),
                        "y", new EnergyWindows.Server("m", List.of("G"), 0, 0)));
        w.add(
                t0.plusSeconds(60),
                Map.of("G", 30_000.0),
                Map.of(
                        "x", new EnergyWindows.Server("m", List.of("G"), 3_000, 10),
                        "y", new EnergyWindows.Server("m", List.of("G"), 1_000, 10)));
        var shares = w.over(Duration.ofMinutes(1));
        assertThat(shares.get("x").joules()).isCloseTo(22_500, within(1e-9));
        assertThat(shares.get("y").joules()).isCloseTo(7_500, within(1e-9));
        // a restarted server (counters went back) has no reading for that window
        w.add(
                t0.plusSeconds(120),
                Map.of("G", 60_000.0),
                Map.of(
                        "x", new EnergyWindows.Server("m", List.of("G"), 10, 1),
                        "y", new EnergyWindows.Server("m", List.of("G"), 2_000, 20)));
        shares = w.over(Duration.ofMinutes(1));
        assertThat(shares).doesNotContainKey("x");
        assertThat(shares.get("y").joules()).isCloseTo(30_000, within(1e-9));
    }
}
