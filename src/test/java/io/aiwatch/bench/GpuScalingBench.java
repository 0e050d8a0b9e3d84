package io.aiwatch.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.nvml.NvmlBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The GPU collectors on 1, 2, 4 and 8 GPUs of the fake NVML with the per-call latencies measured
 * on an H100 (issue #20 item 3): the fast and costly collectors run at the 1-second interval on
 * their own threads, as the daemon runs them, for SECONDS per level. Per level: wall and CPU per
 * cycle of each, the CPU per GPU, the driver CPU the fake spent (its injected latencies; the
 * floor), aiwatch's CPU over that floor, and whether every fast cycle stayed fresh (started within
 * 100 ms of its slot and finished within the interval) and every costly read in time.
 *
 * <p>Usage: {@code java -cp target/test-classes:target/aiwatch.jar io.aiwatch.bench.GpuScalingBench
 * [SECONDS=10] [LEVELS=1,2,4,8] [FIELDS=default|all] [FAKE=target/fake-nvml/libnvidia-ml.so.1]}
 */
public final class GpuScalingBench {
    /** The fake library's control functions (src/test/c/fake_nvml.c). */
    interface Fake extends Library {
        void fake_reset();

        void fake_set_device_count(int n);

        void fake_latency_profile_h100();

        void fake_latency_spin(int spin);

        int fake_calls(String function);
    }

    /** fake_latency_profile_h100, microseconds per call (kept in step with fake_nvml.c). */
    static final Map<String, Integer> H100_MICROS = Map.ofEntries(
            Map.entry("nvmlDeviceGetTotalEnergyConsumption", 2870),
            Map.entry("nvmlDeviceGetPcieReplayCounter", 170),
            Map.entry("nvmlDeviceGetMemoryInfo_v2", 6),
            Map.entry("nvmlDeviceGetMemoryInfo", 6),
            Map.entry("nvmlDeviceGetFieldValues", 6),
            Map.entry("nvmlDeviceGetTemperature", 1),
            Map.entry("nvmlDeviceGetPowerUsage", 1),
            Map.entry("nvmlDeviceGetClockInfo", 1),
            Map.entry("nvmlDeviceGetUtilizationRates", 1),
            Map.entry("nvmlDeviceGetCurrentClocksEventReasons", 1),
            Map.entry("nvmlDeviceGetEncoderUtilization", 1),
            Map.entry("nvmlDeviceGetDecoderUtilization", 1),
            Map.entry("nvmlGpmSampleGet", 3500),
            Map.entry("nvmlGpmMetricsGet", 500),
            Map.entry("nvmlDeviceGetViolationStatus", 1200));

    /** Cycles of each collector before measuring, back to back, so the JIT has compiled the cycle. */
    static final int WARMUP_CYCLES = Integer.getInteger("bench.warmup", 200);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Wall and CPU nanoseconds of each cycle of one collector. */
    static final class Cycles {
        final List<Long> wall = new ArrayList<>();
        final List<Long> cpu = new ArrayList<>();
        final List<Long> startDelay = new ArrayList<>();

        synchronized void add(long wallNanos, long cpuNanos, long delayNanos) {
            wall.add(wallNanos);
            cpu.add(cpuNanos);
            startDelay.add(delayNanos);
        }

        synchronized double p(double q) {
            long[] s = wall.stream().mapToLong(Long::longValue).sorted().toArray();
            return s.length == 0 ? Double.NaN : s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)] / 1e6;
        }

        synchronized double cpuMeanMs() {
            return cpu.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e6;
        }

        synchronized long totalCpu() {
            return cpu.stream().mapToLong(Long::longValue).sum();
        }

        synchronized long stale(long intervalNanos) {
            long n = 0;
            for (int i = 0; i < wall.size(); i++) {
                if (startDelay.get(i) > 100_000_000L || wall.get(i) > intervalNanos) {
                    n++;
                }
            }
            return n;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int[] levels = Arrays.stream((args.length > 1 ? args[1] : "1,2,4,8").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        boolean all = args.length > 2 && args[2].equals("all");
        Path lib = Path.of(args.length > 3 ? args[3] : "target/fake-nvml/libnvidia-ml.so.1");
        if (!Files.exists(lib)) {
            throw new IllegalStateException(lib + " missing: src/test/c/build-fake-nvml.sh target/fake-nvml");
        }
        Fake fake = Native.load(lib.toAbsolutePath().toString(), Fake.class);
        CountersFile.Selection selection = all ? GpuCycleBenchmark.everyProvidedField() : CountersFile.defaults();
        System.out.printf(
                Locale.ROOT,
                "# fake NVML, H100 latency profile (spun on the calling thread's CPU), fields=%s, %d s per level,"
                        + " cores=%d, load at start: %s%n",
                all ? "every provided" : "default-counters.csv",
                seconds,
                Runtime.getRuntime().availableProcessors(),
                loadavg());
        System.out.println("| GPUs | fast wall p50 / p99 ms | fast CPU ms/cycle | costly wall p50 / p99 ms"
                + " | costly CPU ms/cycle | CPU ms per GPU per s | driver floor ms per GPU per s | aiwatch / floor"
                + " | stale fast cycles | late costly reads |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int gpus : levels) {
            fake.fake_reset();
            fake.fake_set_device_count(gpus);
            fake.fake_latency_profile_h100();
            fake.fake_latency_spin(1);
            run(fake, lib, gpus, selection, seconds);
        }
        System.out.println("# load at end: " + loadavg());
    }

    private static void run(Fake fake, Path lib, int gpus, CountersFile.Selection selection, int seconds)
            throws Exception {
        Duration interval = Duration.ofSeconds(1);
        try (NvmlBackend backend = NvmlLoader.load(Optional.of(lib))) {
            List<GpuCollector> collectors = GpuCollector.all(
                    backend,
                    selection,
                    interval,
                    Duration.ofSeconds(10),
                    new GpuHealth(),
                    new GpuCollector.Settings("Hostname", "bench", 16),
                    new ProcessIdentity(Path.of("/nonexistent")));
            GpuCollector fast = collectors.get(0);
            GpuCollector costly = collectors.get(1);
            for (int i = 0; i < WARMUP_CYCLES; i++) { // warm-up (JIT, GPM's first sample)
                fast.collect();
                costly.collect();
            }
            Map<String, Integer> before = calls(fake);
            Cycles fastCycles = new Cycles();
            Cycles costlyCycles = new Cycles();
            Snapshot[] lastCostly = new Snapshot[1];
            ScheduledExecutorService runner = Executors.newScheduledThreadPool(2);
            long t0 = System.nanoTime() + 50_000_000L;
            for (int k = 0; k < 2; k++) {
                boolean isFast = k == 0;
                long first = t0 + (isFast ? 0 : 5_000_000L);
                for (int c = 0; c < seconds; c++) {
                    long slot = first + c * interval.toNanos();
                    runner.schedule(
                            () -> {
                                long delay = System.nanoTime() - slot;
                                long cpu0 = isFast ? THREADS.getCurrentThreadCpuTime() : costlyCpu();
                                long w0 = System.nanoTime();
                                Snapshot s = isFast ? fast.collect() : costly.collect();
                                long wall = System.nanoTime() - w0;
                                long cpu = (isFast ? THREADS.getCurrentThreadCpuTime() : costlyCpu()) - cpu0;
                                (isFast ? fastCycles : costlyCycles).add(wall, cpu, delay);
                                if (!isFast) {
                                    lastCostly[0] = s;
                                }
                            },
                            slot - System.nanoTime(),
                            TimeUnit.NANOSECONDS);
                }
            }
            runner.shutdown();
            if (!runner.awaitTermination(seconds + 30L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cycles did not finish");
            }
            Map<String, Integer> after = calls(fake);
            double floorMicros = 0;
            for (var e : H100_MICROS.entrySet()) {
                floorMicros += (after.get(e.getKey()) - before.get(e.getKey())) * (double) e.getValue();
            }
            double cpuMs = (fastCycles.totalCpu() + costlyCycles.totalCpu()) / 1e6;
            double floorMs = floorMicros / 1e3;
            collectors.forEach(GpuCollector::close);
            System.out.printf(
                    Locale.ROOT,
                    "| %d | %.2f / %.2f | %.2f | %.2f / %.2f | %.2f | %.2f | %.2f | %.2f | %d of %d | %.0f |%n",
                    gpus,
                    fastCycles.p(0.5),
                    fastCycles.p(0.99),
                    fastCycles.cpuMeanMs(),
                    costlyCycles.p(0.5),
                    costlyCycles.p(0.99),
                    costlyCycles.cpuMeanMs(),
                    cpuMs / gpus / seconds,
                    floorMs / gpus / seconds,
                    cpuMs / floorMs,
                    fastCycles.stale(interval.toNanos()),
                    seconds,
                    lateReads(lastCostly[0]));
        }
    }

    /** CPU of the costly collector's thread and its pool ("gpu-costly-N"); the fast thread is not among them. */
    private static long costlyCpu() {
        long sum = THREADS.getCurrentThreadCpuTime();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("gpu-costly")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static Map<String, Integer> calls(Fake fake) {
        Map<String, Integer> m = new java.util.HashMap<>();
        H100_MICROS.keySet().forEach(f -> m.put(f, fake.fake_calls(f)));
        return m;
    }

    private static double lateReads(Snapshot s) {
        if (s == null) {
            return Double.NaN;
        }
        return s.families().stream()
                .filter(f -> f.name().equals("aiwatch_gpu_late_reads_total"))
                .map(MetricFamily::samples)
                .flatMap(List::stream)
                .mapToDouble(Sample::value)
                .sum();
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
