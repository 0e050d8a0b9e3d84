package io.aiwatch.source.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuCollectorTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final SimulatedGpuBackend backend = new SimulatedGpuBackend(3, 7, 30, clock, null);
    private final GpuHealth health = new GpuHealth();
    private final GpuCollector.Settings settings = new GpuCollector.Settings("Hostname", "node-a", 2);

    private GpuCollector collector(GpuCollector.Role role, ProcessIdentity procs) {
        return new GpuCollector(role, backend, CountersFile.defaults(), Duration.ofSeconds(1), health, settings, procs);
    }

    private GpuCollector fast() {
        return collector(GpuCollector.Role.FAST, new ProcessIdentity(Path.of("/nonexistent")));
    }

    static Optional<MetricFamily> family(Snapshot s, String name) {
        return s.families().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    static List<Sample> samples(Snapshot s, String name) {
        return family(s, name).map(MetricFamily::samples).orElse(List.of());
    }

    static double value(Snapshot s, String name, String gpu) {
        return samples(s, name).stream()
                .filter(x -> gpu.equals(x.labels().get("gpu")))
                .findFirst()
                .orElseThrow()
                .value();
    }

    @Test
    void labelsEverySeriesInDcgmExporterOrder() {
        Snapshot s = fast().collect();
        Sample temp = samples(s, "DCGM_FI_DEV_GPU_TEMP").get(1);
        assertThat(temp.labels().toString())
                .matches(
                        "\\{gpu=\"1\",UUID=\"GPU-[0-9a-f-]{36}\",pci_bus_id=\"00000000:2A:00.0\","
                                + "device=\"nvidia1\",modelName=\"NVIDIA H100 80GB HBM3\",Hostname=\"node-a\",DCGM_FI_DRIVER_VERSION=\"580.95.05\"}");
    }

    @Test
    void notSupportedDropsThatFieldForThatGpuOnlyAndIsNotCountedAsAnError() {
        backend.injectFault(1, "DCGM_FI_DEV_POWER_USAGE", NvmlReturn.NOT_SUPPORTED);
        GpuCollector c = fast();
        c.collect();
        backend.injectFault(1, "DCGM_FI_DEV_POWER_USAGE", null);
        Snapshot s = c.collect();
        assertThat(samples(s, "DCGM_FI_DEV_POWER_USAGE"))
                .extracting(x -> x.labels().get("gpu"))
                .containsExactly("0", "2");
        assertThat(samples(s, "DCGM_FI_DEV_GPU_TEMP")).hasSize(3);
        assertThat(samples(s, "aiwatch_gpu_library_errors_total")).isEmpty();
        assertThat(s.detail(GpuStatus.DEVICES).devices().get(1).unsupported())
                .containsExactly("DCGM_FI_DEV_POWER_USAGE");
    }

    @Test
    void lostGpuReportsUpZeroWhileTheOthersContinue() {
        GpuCollector c = fast();
        backend.loseGpu(2);
        Snapshot s = c.collect();
        assertThat(value(s, "aiwatch_gpu_up", "0")).isEqualTo(1);
        assertThat(value(s, "aiwatch_gpu_up", "2")).isEqualTo(0);
        assertThat(samples(s, "DCGM_FI_DEV_GPU_TEMP"))
                .extracting(x -> x.labels().get("gpu"))
                .containsExactly("0", "1");
        assertThat(s.detail(GpuStatus.DEVICES).devices().get(2).up()).isFalse();
        assertThat(s.detail(GpuStatus.DEVICES).devices().get(2).problem()).contains("GPU_IS_LOST");
    }

    @Test
    void otherErrorsAreCountedByFunctionAndCodeAndRetriedNextCycle() {
        GpuCollector c = fast();
        backend.injectFault(0, "DCGM_FI_DEV_SM_CLOCK", NvmlReturn.UNKNOWN);
        c.collect();
        Snapshot s = c.collect();
        assertThat(samples(s, "aiwatch_gpu_library_errors_total"))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.labels().get("function")).isEqualTo("sim:DCGM_FI_DEV_SM_CLOCK");
                    assertThat(x.labels().get("code")).isEqualTo("NVML_ERROR_UNKNOWN");
                    assertThat(x.value()).isEqualTo(2);
                });
        assertThat(samples(s, "DCGM_FI_DEV_SM_CLOCK")).hasSize(2);
        backend.injectFault(0, "DCGM_FI_DEV_SM_CLOCK", null);
        assertThat(samples(c.collect(), "DCGM_FI_DEV_SM_CLOCK")).hasSize(3);
    }

    @Test
    void countsXidsPerXidAndKeepsTheLastValueGaugeLikeDcgm() {
        GpuCollector c = fast();
        assertThat(value(c.collect(), "DCGM_FI_DEV_XID_ERRORS", "0")).isEqualTo(0);
        backend.injectXid(0, 79);
        backend.injectXid(0, 79);
        backend.injectXid(0, 48);
        c.collect();
        backend.injectXid(0, 79);
        Snapshot s = c.collect();
        List<String> gpu0 = samples(s, "aiwatch_gpu_xid_errors_total").stream()
                .filter(x -> x.labels().get("gpu").equals("0"))
                .map(x -> x.labels().get("xid") + "=" + (long) x.value())
                .toList();
        // counted XIDs, including one nobody alerts on, plus every alerted XID seeded at 0
        assertThat(gpu0).contains("48=1", "79=3", "94=0", "92=0", "63=0", "120=0");
        assertThat(gpu0).hasSize(GpuCollector.ALERTED_XIDS.length);
        backend.injectXid(0, 13);
        assertThat(samples(c.collect(), "aiwatch_gpu_xid_errors_total").stream()
                        .filter(x -> x.labels().get("gpu").equals("0"))
                        .map(x -> x.labels().get("xid")))
                .as("a code outside the alerted list appears with its first event")
                .contains("13")
                .hasSize(GpuCollector.ALERTED_XIDS.length + 1);
        assertThat(samples(s, "aiwatch_gpu_xid_errors_total").stream()
                        .filter(x -> x.labels().get("gpu").equals("1")))
                .as("an idle GPU has the alerted codes at 0 from the start")
                .hasSize(GpuCollector.ALERTED_XIDS.length)
                .allSatisfy(x -> assertThat(x.value()).isZero());
        assertThat(value(s, "DCGM_FI_DEV_XID_ERRORS", "0")).isEqualTo(79);
        assertThat(value(s, "DCGM_FI_DEV_XID_ERRORS", "1")).isEqualTo(0);
    }

    @Test
    void exposesOneClockEventSeriesPerReason() {
        Snapshot s = fast().collect();
        assertThat(samples(s, "aiwatch_gpu_clock_event_active")).hasSize(3 * ClockEventReason.values().length);
        assertThat(samples(s, "aiwatch_gpu_clock_event_active"))
                .extracting(x -> x.labels().get("reason"))
                .contains("power_cap", "sw_thermal", "hw_thermal", "gpu_idle");
    }

    @Test
    void slowCollectorBoundsProcessSeriesAndNamesProcessesFromProc(@TempDir Path proc) throws Exception {
        Path p = Files.createDirectories(proc.resolve("4100"));
        Files.writeString(p.resolve("comm"), "python3\n");
        Files.writeString(
                p.resolve("cgroup"),
                "0::/kubepods/besteffort/pod1/cri-containerd-"
                        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n");
        Snapshot s =
                collector(GpuCollector.Role.SLOW, new ProcessIdentity(proc)).collect();
        Sample first = samples(s, "aiwatch_gpu_process_memory_bytes").get(0);
        assertThat(first.labels().get("pid")).isEqualTo("4100");
        assertThat(first.labels().get("command")).isEqualTo("python3");
        assertThat(first.labels().get("container_id")).isEqualTo("0123456789ab");
        assertThat(first.value()).isGreaterThan(60e9);
        assertThat(s.detail(GpuStatus.PROCESSES).devices().get(0).pids()).containsExactly(4100L);
        // The slow collector carries no fast-only families.
        assertThat(family(s, "aiwatch_gpu_up")).isEmpty();
    }
}
