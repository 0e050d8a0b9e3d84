package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.gpu.GpuStatus;
import io.aiwatch.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class GpuSetupTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final SnapshotStore store = new SnapshotStore(clock);

    @Test
    void gpuPidsComeFromTheSlowCollectorsSnapshotInTheStore() throws Exception {
        try (GpuSetup gpu = GpuSetup.create(
                        GpuConfig.defaults().withSimulate(2),
                        io.aiwatch.source.kubernetes.KubernetesConfig.defaults(),
                        clock,
                        store,
                        new ArrayList<>(),
                        null,
                        "node");
                CollectorRunner runner = new CollectorRunner(store)) {
            assertThat(gpu.gpuPids()).isEmpty();
            for (Collector c : gpu.collectors()) {
                store.register(c.name(), c.interval(), c.staleAfter());
                runner.runOnce(c);
            }
            // The simulated GPUs' processes are PIDs 4100 and 4101; only the slow collector lists them.
            assertThat(gpu.gpuPids()).containsExactlyInAnyOrder(4100L, 4101L);
            assertThat(store.detail(GpuStatus.DEVICES).devices())
                    .allSatisfy(d -> assertThat(d.pids()).isEmpty());
            assertThat(store.detail(GpuStatus.PROCESSES).devices()).hasSize(2);
        }
    }
}
