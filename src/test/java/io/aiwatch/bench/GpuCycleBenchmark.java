package io.aiwatch.bench;

import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.nvml.NvmlBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cost of one GPU collection cycle of each collector (fast, costly, slow; CPU of the calling
 * thread, so on one GPU the costly reads are counted) on the real driver, beside running
 * {@code nvidia-smi --query-gpu=...} for the equivalent fields, which is what nvidia_gpu_exporter
 * does on every scrape. Same machine, same run; the result is printed as a table with ratios.
 *
 * <p>Usage: {@code java -cp aiwatch.jar:test-classes io.aiwatch.bench.GpuCycleBenchmark [CYCLES]}
 */
public final class GpuCycleBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String SMI_FIELDS = "index,uuid,pci.bus_id,name,driver_version,clocks.sm,clocks.mem,"
            + "temperature.gpu,temperature.memory,power.draw,utilization.gpu,utilization.memory,utilization.encoder,"
            + "utilization.decoder,memory.free,memory.used,memory.reserved,clocks_event_reasons.active,"
            + "remapped_rows.correctable,remapped_rows.uncorrectable,remapped_rows.failure,"
            + "ecc.errors.corrected.volatile.total,ecc.errors.uncorrected.volatile.total";

    record Timing(String what, int runs, double[] wallMs, double cpuMsPerRun) {
        double p(double q) {
            double[] s = wallMs.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
        }

        double mean() {
            return Arrays.stream(wallMs).average().orElse(Double.NaN);
        }
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        List<Timing> timings = new ArrayList<>();
        // -Dbench.nvml=PATH reads another library (the fake NVML, for a dry run of the scripts)
        Optional<Path> library =
                Optional.ofNullable(System.getProperty("bench.nvml")).map(Path::of);
        try (NvmlBackend backend = NvmlLoader.load(library)) {
            CountersFile.Selection all = everyProvidedField();
            for (var sel : List.of(CountersFile.defaults(), all)) {
                String label = sel == all ? "every provided field" : "default-counters.csv";
                GpuHealth health = new GpuHealth();
                var settings = new GpuCollector.Settings("Hostname", "bench", 16);
                var procs = new ProcessIdentity(Path.of("/proc"));
                List<GpuCollector> collectors = GpuCollector.all(
                        backend, sel, Duration.ofSeconds(1), Duration.ofSeconds(10), health, settings, procs);
                GpuCollector fast = collectors.get(0);
                GpuCollector costly = collectors.get(1);
                GpuCollector slow = collectors.get(2);
                for (int i = 0; i < 3; i++) { // warm-up; GPM needs a previous sample
                    collectors.forEach(GpuCollector::collect);
                    Thread.sleep(200);
                }
                timings.add(time("aiwatch fast cycle, " + label, cycles, fast::collect));
                timings.add(
                        time("aiwatch costly cycle (energy, PCIe replay, GPM...), " + label, cycles, costly::collect));
                timings.add(time("aiwatch slow cycle, " + label, Math.max(5, cycles / 3), slow::collect));
                System.err.println("# unsupported/errors after " + label + ": " + health.errorCounts()
                        + " unsupported on gpu0: " + health.unsupportedOn(0));
            }
        }
        boolean smiPresent = library.isEmpty();
        if (smiPresent) {
            String fields = validSmiFields();
            timings.add(smi(fields, cycles));
            System.out.println("nvidia-smi fields: " + fields);
        }
        System.out.println();
        System.out.println("| what | runs | mean ms | p50 ms | p99 ms | CPU ms per run |");
        System.out.println("|---|---|---|---|---|---|");
        for (Timing t : timings) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %.2f | %.2f | %.2f | %.2f |%n",
                    t.what(),
                    t.runs(),
                    t.mean(),
                    t.p(0.5),
                    t.p(0.99),
                    t.cpuMsPerRun());
        }
        Timing fastDefault = timings.get(0);
        Timing costlyDefault = timings.get(1);
        if (!smiPresent) {
            return;
        }
        Timing smi = timings.get(timings.size() - 1);
        System.out.printf(
                Locale.ROOT,
                "%nratio nvidia-smi / aiwatch fast + costly cycles (default fields): wall p50 %.1fx, CPU %.1fx%n",
                smi.p(0.5) / (fastDefault.p(0.5) + costlyDefault.p(0.5)),
                smi.cpuMsPerRun() / (fastDefault.cpuMsPerRun() + costlyDefault.cpuMsPerRun()));
    }

    static CountersFile.Selection everyProvidedField() throws Exception {
        String csv = Arrays.stream(DcgmField.values())
                .filter(DcgmField::isProvided)
                .map(f -> f.name() + ", "
                        + (f.kind() == DcgmField.Kind.LABEL
                                ? "label"
                                : f.kind().name().toLowerCase(Locale.ROOT)) + ", x")
                .collect(Collectors.joining("\n"));
        return CountersFile.parse("all", csv);
    }

    interface Cycle {
        Object run() throws Exception;
    }

    private static Timing time(String what, int runs, Cycle cycle) throws Exception {
        double[] wall = new double[runs];
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            cycle.run();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(100);
        }
        return new Timing(what, runs, wall, (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6 / runs);
    }

    /** Drops the fields this nvidia-smi does not know, as it reports them. */
    private static String validSmiFields() throws Exception {
        List<String> fields = new ArrayList<>(List.of(SMI_FIELDS.split(",")));
        Pattern invalid = Pattern.compile("Field \"([^\"]+)\" is not a valid field to query");
        for (int i = 0; i < fields.size(); i++) {
            Process p = new ProcessBuilder(
                            "nvidia-smi", "--query-gpu=" + String.join(",", fields), "--format=csv,noheader,nounits")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = invalid.matcher(out);
            if (!m.find()) {
                return String.join(",", fields);
            }
            fields.remove(m.group(1));
        }
        return String.join(",", fields);
    }

    private static Timing smi(String fields, int runs) throws Exception {
        double[] wall = new double[runs];
        long children0 = childrenCpuTicks();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=" + fields, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(100);
        }
        double ticks = childrenCpuTicks() - children0;
        return new Timing(
                "nvidia-smi --query-gpu (" + fields.split(",").length + " fields)", runs, wall, ticks * 10.0 / runs);
    }

    /** cutime + cstime of this process from /proc/self/stat, in clock ticks (10 ms on Linux). */
    private static long childrenCpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
