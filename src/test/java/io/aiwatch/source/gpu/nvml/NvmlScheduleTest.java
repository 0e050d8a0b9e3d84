package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU collectors split by what a call costs in the driver (issue #20): the fast collector
 * never makes a costly call, the costly collector reads its GPUs in parallel, and a costly call
 * hanging on one GPU makes only that GPU's costly fields late.
 */
class NvmlScheduleTest {
    private static final String ENERGY = "nvmlDeviceGetTotalEnergyConsumption";
    private FakeNvml fake;
    private NvmlBackend backend;
    private List<GpuCollector> collectors;

    @BeforeEach
    void setUp() {
        fake = FakeNvml.load();
    }

    @AfterEach
    void tearDown() {
        if (collectors != null) {
            collectors.forEach(GpuCollector::close);
        }
        if (backend != null) {
            backend.close();
        }
        fake.fake_reset();
    }

    private void start(int gpus, Duration interval) throws Exception {
        fake.fake_set_device_count(gpus);
        backend = FakeNvml.backend();
        collectors = GpuCollector.all(
                backend,
                CountersFile.defaults(),
                interval,
                Duration.ofSeconds(10),
                new GpuHealth(),
                new GpuCollector.Settings("Hostname", "n", 8),
                new ProcessIdentity(Path.of("/nonexistent")));
    }

    private GpuCollector fast() {
        return collectors.get(0);
    }

    private GpuCollector costly() {
        return collectors.get(1);
    }

    private static Optional<MetricFamily> family(Snapshot s, String name) {
        return s.families().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    private static List<String> gpus(Snapshot s, String name) {
        return family(s, name)
                .map(f -> f.samples().stream().map(x -> x.labels().get("gpu")).toList())
                .orElse(List.of());
    }

    private static double late(Snapshot s, String gpu) {
        return family(s, "aiwatch_gpu_late_reads_total").orElseThrow().samples().stream()
                .filter(x -> x.labels().get("gpu").equals(gpu))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theFastCollectorMakesNoCostlyCallAndTheCostlyOneReadsEnergyAndGpm() throws Exception {
        start(2, Duration.ofSeconds(1));
        assertThat(fast().fields())
                .contains(DcgmField.DCGM_FI_DEV_GPU_TEMP, DcgmField.DCGM_FI_DEV_POWER_USAGE)
                .doesNotContain(
                        DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION,
                        DcgmField.DCGM_FI_DEV_PCIE_REPLAY_COUNTER,
                        DcgmField.DCGM_FI_PROF_GR_ENGINE_ACTIVE);
        Snapshot f = fast().collect();
        assertThat(gpus(f, "DCGM_FI_DEV_GPU_TEMP")).containsExactly("0", "1");
        assertThat(fake.fake_calls(ENERGY)).isZero();
        assertThat(fake.fake_calls("nvmlDeviceGetPcieReplayCounter")).isZero();
        assertThat(fake.fake_calls("nvmlGpmSampleGet")).isZero();

        Snapshot c = costly().collect();
        assertThat(fake.fake_calls(ENERGY)).isEqualTo(2);
        assertThat(fake.fake_calls("nvmlDeviceGetPcieReplayCounter")).isEqualTo(2);
        assertThat(gpus(c, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).containsExactly("0", "1");
        assertThat(gpus(c, "DCGM_FI_DEV_GPU_TEMP")).isEmpty();
        assertThat(late(c, "0")).isZero();
        // the fields of the three collectors partition the counters file's numeric fields
        List<DcgmField> all =
                collectors.stream().flatMap(x -> x.fields().stream()).toList();
        assertThat(all)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(CountersFile.defaults().entries().stream()
                        .map(CountersFile.Entry::field)
                        .filter(x -> x.kind() != DcgmField.Kind.LABEL)
                        .toList());
    }

    @Test
    void eightGpusCostlyReadsRunInParallelAndTheFastCollectorDoesNotWaitForThem() throws Exception {
        start(8, Duration.ofSeconds(5));
        fake.fake_latency_spin(0); // sleep, so the test does not depend on free cores
        fake.fake_latency(ENERGY, -1, 250_000);
        costly().collect(); // GPM's first sample
        long t0 = System.nanoTime();
        Snapshot c = costly().collect();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(gpus(c, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).hasSize(8);
        assertThat(millis)
                .as("8 GPUs x 250 ms read one after the other take 2 s")
                .isLessThan(1_500);

        fake.fake_latency(ENERGY, -1, 1_500_000);
        Thread reader = new Thread(() -> costly().collect());
        reader.start();
        while (fake.fake_calls(ENERGY) < 24) { // all eight slow energy calls have started
            Thread.sleep(5);
        }
        assertThat(gpus(fast().collect(), "DCGM_FI_DEV_GPU_TEMP")).hasSize(8);
        assertThat(reader.isAlive())
                .as("the fast cycle finished while the costly one waits")
                .isTrue();
        reader.join();
    }

    @Test
    void aHungCostlyCallMakesOnlyThatGpuLateAndIsNotCalledAgainUntilItReturns() throws Exception {
        start(4, Duration.ofMillis(1_500)); // deadline 1.2 s: room for a loaded machine; the hang outlasts two cycles
        fake.fake_hang(ENERGY, 2, 4_000);
        long t0 = System.nanoTime();
        Snapshot first = costly().collect();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3_000);
        assertThat(gpus(first, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).containsExactly("0", "1", "3");
        assertThat(late(first, "2")).isEqualTo(1);
        assertThat(late(first, "0")).isZero();

        Snapshot second = costly().collect();
        assertThat(late(second, "2")).isEqualTo(2);
        assertThat(fake.fake_calls(ENERGY))
                .as("GPU 2's hung read is not started again")
                .isEqualTo(4 + 3);
        assertThat(gpus(fast().collect(), "DCGM_FI_DEV_GPU_TEMP")).containsExactly("0", "1", "2", "3");

        fake.fake_hang(ENERGY, 2, 0); // later calls answer at once; the hung one still takes its 4 s
        Snapshot back = second;
        for (int i = 0;
                i < 80 && !gpus(back, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION").contains("2");
                i++) {
            Thread.sleep(100);
            back = costly().collect();
        }
        assertThat(gpus(back, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).containsExactly("0", "1", "2", "3");
    }
}
