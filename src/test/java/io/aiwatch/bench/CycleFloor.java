package io.aiwatch.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.nvml.NvmlBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the NVML calls one cycle of each GPU collector makes per GPU, as {@code nvml_probe cycle}
 * reads them ("COUNT KEY" lines), so the probe can make exactly those calls on the real driver and
 * measure the floor aiwatch's cycle is compared with (issue #20 item 2). The calls are counted on
 * the fake NVML with one GPU (its every call counts); arguments the counter does not see are the
 * ones aiwatch passes (clock SM then memory, GPU temperature sensor, the GPM metric list).
 *
 * <p>Usage: {@code java -cp target/test-classes:target/aiwatch.jar io.aiwatch.bench.CycleFloor OUT_DIR
 * [FAKE=target/fake-nvml/libnvidia-ml.so.1]} writes OUT_DIR/{fast,costly}-{default,all}.calls.
 */
public final class CycleFloor {
    interface Fake extends Library {
        void fake_reset();

        void fake_set_device_count(int n);

        int fake_calls(String function);
    }

    /** Function → the probe keys of its successive calls within one cycle (the last repeats). */
    static final Map<String, List<String>> KEYS = Map.ofEntries(
            Map.entry("nvmlDeviceGetTemperature", List.of("nvmlDeviceGetTemperature:0")),
            Map.entry("nvmlDeviceGetPowerUsage", List.of("nvmlDeviceGetPowerUsage")),
            Map.entry("nvmlDeviceGetClockInfo", List.of("nvmlDeviceGetClockInfo:1", "nvmlDeviceGetClockInfo:2")),
            Map.entry("nvmlDeviceGetUtilizationRates", List.of("nvmlDeviceGetUtilizationRates")),
            Map.entry("nvmlDeviceGetCurrentClocksEventReasons", List.of("nvmlDeviceGetCurrentClocksEventReasons")),
            Map.entry("nvmlDeviceGetMemoryInfo_v2", List.of("nvmlDeviceGetMemoryInfo_v2")),
            Map.entry("nvmlDeviceGetMemoryInfo", List.of("nvmlDeviceGetMemoryInfo")),
            Map.entry("nvmlDeviceGetFieldValues", List.of("nvmlDeviceGetFieldValues:82")),
            Map.entry("nvmlDeviceGetEncoderUtilization", List.of("nvmlDeviceGetEncoderUtilization")),
            Map.entry("nvmlDeviceGetDecoderUtilization", List.of("nvmlDeviceGetDecoderUtilization")),
            Map.entry("nvmlEventSetWait_v2", List.of("nvmlEventSetWait_v2")),
            Map.entry("nvmlDeviceGetTotalEnergyConsumption", List.of("nvmlDeviceGetTotalEnergyConsumption")),
            Map.entry("nvmlDeviceGetPcieReplayCounter", List.of("nvmlDeviceGetPcieReplayCounter")),
            Map.entry(
                    "nvmlDeviceGetViolationStatus",
                    List.of(
                            "nvmlDeviceGetViolationStatus:0",
                            "nvmlDeviceGetViolationStatus:1",
                            "nvmlDeviceGetViolationStatus:2",
                            "nvmlDeviceGetViolationStatus:3",
                            "nvmlDeviceGetViolationStatus:4",
                            "nvmlDeviceGetViolationStatus:5")),
            Map.entry("nvmlDeviceGetTotalEccErrors", List.of("nvmlDeviceGetTotalEccErrors:0:1")),
            Map.entry("nvmlDeviceGetRetiredPages", List.of("nvmlDeviceGetRetiredPages:0")),
            Map.entry("nvmlDeviceGetRemappedRows", List.of("nvmlDeviceGetRemappedRows")),
            Map.entry("nvmlGpmSampleGet", List.of("nvmlGpmSampleGet")),
            Map.entry("nvmlGpmMetricsGet", List.of("nvmlGpmMetricsGet:1+2+3+5+10+11+12+13+20+21+61+60")),
            Map.entry("nvmlDeviceGetPcieThroughput", List.of("nvmlDeviceGetPcieThroughput:0")),
            Map.entry("nvmlDeviceGetComputeRunningProcesses_v3", List.of("nvmlDeviceGetComputeRunningProcesses_v3")),
            Map.entry("nvmlDeviceGetGraphicsRunningProcesses_v3", List.of("nvmlDeviceGetGraphicsRunningProcesses_v3")));

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/cycle-floor");
        Path lib = Path.of(args.length > 1 ? args[1] : "target/fake-nvml/libnvidia-ml.so.1");
        Files.createDirectories(out);
        Fake fake = Native.load(lib.toAbsolutePath().toString(), Fake.class);
        for (String set : List.of("default", "all")) {
            CountersFile.Selection selection =
                    set.equals("all") ? GpuCycleBenchmark.everyProvidedField() : CountersFile.defaults();
            fake.fake_reset();
            fake.fake_set_device_count(1);
            try (NvmlBackend backend = NvmlLoader.load(Optional.of(lib))) {
                List<GpuCollector> collectors = GpuCollector.all(
                        backend,
                        selection,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(10),
                        new GpuHealth(),
                        new GpuCollector.Settings("Hostname", "floor", 16),
                        new ProcessIdentity(Path.of("/nonexistent")));
                for (int i = 0; i < 2; i++) { // GPM's first sample; per-device state settles
                    collectors.forEach(GpuCollector::collect);
                }
                for (int role = 0; role < 2; role++) {
                    GpuCollector c = collectors.get(role);
                    var before = counts(fake);
                    c.collect();
                    var after = counts(fake);
                    List<String> lines = new ArrayList<>();
                    lines.add("# calls per GPU of one '" + c.name() + "' cycle, " + set + " fields (CycleFloor)");
                    for (var e : KEYS.entrySet()) {
                        int n = after.get(e.getKey()) - before.get(e.getKey());
                        List<String> keys = e.getValue();
                        for (int i = 0; i < n; i++) {
                            lines.add("1 " + keys.get(Math.min(i, keys.size() - 1)));
                        }
                    }
                    String name = (role == 0 ? "fast" : "costly") + "-" + set + ".calls";
                    Files.write(out.resolve(name), lines);
                    System.out.println(name + ": " + (lines.size() - 1) + " calls per GPU");
                }
                collectors.forEach(GpuCollector::close);
            }
        }
    }

    private static Map<String, Integer> counts(Fake fake) {
        Map<String, Integer> m = new java.util.HashMap<>();
        KEYS.keySet().forEach(f -> m.put(f, fake.fake_calls(f)));
        return m;
    }
}
