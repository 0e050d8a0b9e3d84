package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.source.storage.StorageCollectors;
import io.aiwatch.source.storage.StorageConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the daemon sees of a run: the daemon's own storage collectors ({@code storage_disk} and
 * {@code storage_process} of {@code source.storage}), run in this process just before and just after
 * a run, so the deltas are the daemon's figures for exactly that run, read from the metric
 * families they expose (the values a scrape of {@code /metrics} returns). The disk collector is
 * configured to keep loop devices and partitions (the daemon's default hides loop devices), and the
 * process collector to track this JVM, the loader.
 */
public final class DaemonObserver {
    private final Collector disks;
    private final Collector process;
    private final long pid = ProcessHandle.current().pid();

    public DaemonObserver() {
        this(StorageConfig.defaults());
    }

    /** @param base roots and interval to use; excludes and patterns are replaced */
    public DaemonObserver(StorageConfig base) {
        StorageConfig c = new StorageConfig(
                true,
                base.interval(),
                true,
                "^$",
                base.procRoot(),
                base.sysRoot(),
                base.rootfs(),
                base.mountTimeout(),
                base.fsTypesExclude(),
                base.mountPointsExclude(),
                List.of(),
                1);
        Map<String, Collector> byName = new HashMap<>();
        for (Collector col : StorageCollectors.create(c, Clock.systemUTC(), () -> Set.of(pid))) {
            byName.put(col.name(), col);
        }
        this.disks = byName.get("storage_disk");
        this.process = byName.get("storage_process");
    }

    /** One device's read counters as the daemon exposes them (bytes, reads, seconds). */
    public record DiskCounters(
            double readBytes, double reads, double readSeconds, double weightedIoSeconds, double ioSeconds) {}

    /**
     * Counters at one instant.
     *
     * @param problem why a collector gave nothing (no {@code /proc/diskstats} in a sandbox, say), or null
     */
    public record Mark(
            long nanos,
            Map<String, DiskCounters> disks,
            Map<String, String> classes,
            double readBytes,
            double rchar,
            String problem) {}

    /**
     * The daemon's view of one device during a run.
     *
     * @param device              kernel name
     * @param deviceClass         {@code aiwatch_disk_info} class: nvme, ssd, hdd, virtual, ...
     * @param readBytes           {@code aiwatch_disk_read_bytes_total} delta
     * @param readsCompleted      {@code aiwatch_disk_reads_completed_total} delta
     * @param readTimeSeconds     {@code aiwatch_disk_read_time_seconds_total} delta: summed read latency
     * @param weightedIoSeconds   {@code aiwatch_disk_io_time_weighted_seconds_total} delta: time in queue
     *                            summed over requests; divided by the run's duration it is the average queue size
     * @param ioTimeSeconds       {@code aiwatch_disk_io_time_seconds_total} delta: time the device was busy
     */
    public record DeviceSeen(
            String device,
            String deviceClass,
            long readBytes,
            long readsCompleted,
            double readTimeSeconds,
            double weightedIoSeconds,
            double ioTimeSeconds) {}

    /**
     * The daemon's view of a run.
     *
     * @param seconds          time between the two marks
     * @param devices          one entry per device asked for, nearest first
     * @param processReadBytes {@code aiwatch_process_storage_read_bytes_total} delta of the loader (this JVM)
     * @param processRchar     {@code aiwatch_process_read_syscall_bytes_total} delta (page-cache hits included)
     * @param problem          why the daemon saw nothing, or null
     */
    public record Seen(
            double seconds, List<DeviceSeen> devices, long processReadBytes, long processRchar, String problem) {}

    /**
     * Runs both collectors once and keeps the families this benchmark compares with. A collector
     * that fails (a sandbox without {@code /proc/diskstats}) leaves its part empty and says why:
     * the benchmark goes on without the daemon's view rather than not at all.
     */
    public Mark mark() {
        Map<String, DiskCounters> stats = new HashMap<>();
        Map<String, String> classes = new HashMap<>();
        double readBytes = 0;
        double rchar = 0;
        String problem = null;
        try {
            Map<String, Map<String, Double>> byDevice = new HashMap<>();
            for (MetricFamily f : disks.collect().families()) {
                for (Sample s : f.samples()) {
                    String dev = s.labels().get("device");
                    if (f.name().equals("aiwatch_disk_info")) {
                        classes.put(dev, s.labels().get("class"));
                    } else if (dev != null) {
                        byDevice.computeIfAbsent(dev, d -> new HashMap<>()).put(f.name(), s.value());
                    }
                }
            }
            byDevice.forEach((dev, v) -> stats.put(
                    dev,
                    new DiskCounters(
                            v.getOrDefault("aiwatch_disk_read_bytes_total", 0.0),
                            v.getOrDefault("aiwatch_disk_reads_completed_total", 0.0),
                            v.getOrDefault("aiwatch_disk_read_time_seconds_total", 0.0),
                            v.getOrDefault("aiwatch_disk_io_time_weighted_seconds_total", 0.0),
                            v.getOrDefault("aiwatch_disk_io_time_seconds_total", 0.0))));
        } catch (Exception e) {
            problem = "storage_disk: " + e;
        }
        try {
            String me = Long.toString(pid);
            for (MetricFamily f : process.collect().families()) {
                for (Sample s : f.samples()) {
                    if (!me.equals(s.labels().get("pid"))) {
                        continue;
                    }
                    if (f.name().equals("aiwatch_process_storage_read_bytes_total")) {
                        readBytes = s.value();
                    } else if (f.name().equals("aiwatch_process_read_syscall_bytes_total")) {
                        rchar = s.value();
                    }
                }
            }
        } catch (Exception e) {
            problem = (problem == null ? "" : problem + "; ") + "storage_process: " + e;
        }
        return new Mark(System.nanoTime(), Map.copyOf(stats), Map.copyOf(classes), readBytes, rchar, problem);
    }

    /** The deltas from {@code before} to now for {@code devices}. */
    public Seen since(Mark before, List<String> devices) {
        return between(before, mark(), devices);
    }

    static Seen between(Mark a, Mark b, List<String> devices) {
        List<DeviceSeen> out = new ArrayList<>();
        for (String dev : devices) {
            DiskCounters x = a.disks().get(dev);
            DiskCounters y = b.disks().get(dev);
            if (x == null || y == null) {
                continue;
            }
            out.add(new DeviceSeen(
                    dev,
                    b.classes().getOrDefault(dev, "unknown"),
                    Math.round(y.readBytes() - x.readBytes()),
                    Math.round(y.reads() - x.reads()),
                    y.readSeconds() - x.readSeconds(),
                    y.weightedIoSeconds() - x.weightedIoSeconds(),
                    y.ioSeconds() - x.ioSeconds()));
        }
        return new Seen(
                (b.nanos() - a.nanos()) / 1e9,
                List.copyOf(out),
                Math.round(b.readBytes() - a.readBytes()),
                Math.round(b.rchar() - a.rchar()),
                a.problem() != null ? a.problem() : b.problem());
    }
}
