package io.aiwatch.tool.loadbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine was during a run, so that throughput taken on a shared machine can be
 * judged: the 1-minute load average and the fraction of all CPU time that was busy (from
 * {@code /proc/stat}; this benchmark's own work included).
 */
public final class HostLoad {
    private final Path proc;

    public HostLoad() {
        this(Path.of("/proc"));
    }

    HostLoad(Path procRoot) {
        this.proc = procRoot;
    }

    /** CPU jiffies and load average at one instant. */
    public record Sample(long busy, long total, double loadAverage1m) {}

    public Sample sample() throws IOException {
        String cpu = Files.readAllLines(proc.resolve("stat")).get(0);
        String[] f = cpu.trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v; // idle and iowait
            }
        }
        double load = Double.parseDouble(
                Files.readString(proc.resolve("loadavg")).trim().split("\\s+")[0]);
        return new Sample(total - idle, total, load);
    }

    /** Busy fraction of all CPUs between two samples, 0..1. */
    public static double busyFraction(Sample a, Sample b) {
        long total = b.total() - a.total();
        return total <= 0 ? 0 : (double) (b.busy() - a.busy()) / total;
    }

    public static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }
}
