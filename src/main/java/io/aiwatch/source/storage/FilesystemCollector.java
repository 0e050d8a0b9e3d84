package io.aiwatch.source.storage;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Filesystem sizes from mountinfo and statvfs, with node_exporter's default excludes and
 * semantics (see docs/STORAGE.md).
 *
 * <p>statvfs on a dead network mount blocks in the kernel, uninterruptibly. So each call runs on
 * a separate daemon thread, four at a time, and the collector waits at most {@code mount_timeout}
 * for each batch. A mount whose call is still running is reported in
 * {@code aiwatch_filesystem_stat_timeout} and not statted again until that call returns: at most
 * one thread per stuck mount, never a pile.
 */
public final class FilesystemCollector implements Collector {
    private static final String[] LABELS = {"device", "mountpoint", "fstype"};
    static final int STAT_WORKERS = 4;

    private final StorageConfig config;
    private final ParseErrors errors;
    private final FsStatter statter;
    private final Pattern fsTypesExclude;
    private final Pattern mountPointsExclude;
    private final ExecutorService callers;
    private final AtomicInteger liveCalls = new AtomicInteger();
    /** Mount point → the statvfs call that overran its deadline and has not returned yet. */
    private final Map<String, Future<FsStat>> stuck = new HashMap<>();

    private long timeouts;

    public FilesystemCollector(StorageConfig config, ParseErrors errors, FsStatter statter) {
        this.config = config;
        this.errors = errors;
        this.statter = statter;
        this.fsTypesExclude = Pattern.compile(config.fsTypesExclude());
        this.mountPointsExclude = Pattern.compile(config.mountPointsExclude());
        AtomicInteger n = new AtomicInteger();
        this.callers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "statvfs-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "storage_filesystem";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    /** statvfs calls running now, stuck ones included; for tests and the status page. */
    public int liveCalls() {
        return liveCalls.get();
    }

    @Override
    public Snapshot collect() throws IOException, InterruptedException {
        Map<List<String>, Mount> mounts = new LinkedHashMap<>();
        for (Mount m : MountinfoParser.parse(readMountinfo(), errors)) {
            if (fsTypesExclude.matcher(m.fsType()).find()
                    || mountPointsExclude.matcher(m.mountPoint()).find()) {
                continue;
            }
            // node_exporter emits a repeated label set once (the first mount wins).
            mounts.putIfAbsent(List.of(m.source(), m.mountPoint(), m.fsType()), m);
        }
        var size = gauge("aiwatch_filesystem_size_bytes", "Filesystem size in bytes (f_blocks x f_frsize).");
        var free = gauge("aiwatch_filesystem_free_bytes", "Free bytes, including those reserved for root.");
        var avail = gauge("aiwatch_filesystem_avail_bytes", "Bytes available to unprivileged users.");
        var files = gauge("aiwatch_filesystem_files", "Inodes in the filesystem.");
        var filesFree = gauge("aiwatch_filesystem_files_free", "Free inodes.");
        var readOnly = gauge("aiwatch_filesystem_readonly", "1 when mounted read-only.");
        var deviceError = gauge("aiwatch_filesystem_device_error", "1 when statvfs failed or is stuck.");
        var timedOut = gauge(
                "aiwatch_filesystem_stat_timeout",
                "1 while a statvfs call on this mount has overrun mount_timeout and not returned; the mount is skipped.");
        Map<String, Outcome> outcomes = statAll(mounts.values());
        for (Mount m : mounts.values()) {
            Labels l = Labels.of(LABELS[0], m.source(), LABELS[1], m.mountPoint(), LABELS[2], m.fsType());
            readOnly.add(l, m.readOnly() ? 1 : 0);
            Outcome o = outcomes.get(m.mountPoint());
            if (o == Outcome.STUCK) {
                timedOut.add(l, 1);
            }
            deviceError.add(l, o.stat() == null ? 1 : 0);
            if (o.stat() == null) {
                continue;
            }
            FsStat s = o.stat();
            double unit = DiskCollector.unsigned(s.fragmentSize());
            size.add(l, DiskCollector.unsigned(s.blocks()) * unit);
            free.add(l, DiskCollector.unsigned(s.blocksFree()) * unit);
            avail.add(l, DiskCollector.unsigned(s.blocksAvail()) * unit);
            files.add(l, DiskCollector.unsigned(s.files()));
            filesFree.add(l, DiskCollector.unsigned(s.filesFree()));
        }
        var timeoutsTotal = MetricFamily.builder(
                "aiwatch_filesystem_stat_timeouts_total",
                MetricType.COUNTER,
                "statvfs calls that overran mount_timeout.");
        timeoutsTotal.add(Labels.EMPTY, timeouts);
        return Snapshot.of(List.of(
                size.build(),
                free.build(),
                avail.build(),
                files.build(),
                filesFree.build(),
                readOnly.build(),
                deviceError.build(),
                timedOut.build(),
                timeoutsTotal.build()));
    }

    /** This cycle's statvfs result of one mount point: a value, a failure, or {@link #STUCK}. */
    private record Outcome(FsStat stat, IOException error) {
        static final Outcome STUCK = new Outcome(null, null);
    }

    /**
     * Stats the mount points {@value #STAT_WORKERS} at a time (node_exporter's default stat-workers),
     * each batch waiting at most {@code mount_timeout}, so ten dead mounts cost three timeouts, not
     * ten. Mount points whose earlier call is still running are not called again.
     */
    private Map<String, Outcome> statAll(Collection<Mount> mounts) throws InterruptedException {
        List<String> points = mounts.stream().map(Mount::mountPoint).distinct().toList();
        Map<String, Outcome> out = new HashMap<>();
        for (int i = 0; i < points.size(); i += STAT_WORKERS) {
            Map<String, Future<FsStat>> batch = new LinkedHashMap<>();
            for (String mountPoint : points.subList(i, Math.min(points.size(), i + STAT_WORKERS))) {
                Future<FsStat> pending = stuck.get(mountPoint);
                if (pending != null && !pending.isDone()) {
                    out.put(mountPoint, Outcome.STUCK);
                    continue;
                }
                stuck.remove(mountPoint);
                batch.put(mountPoint, submit(statPath(mountPoint)));
            }
            long deadline = System.nanoTime() + config.mountTimeout().toNanos();
            for (Map.Entry<String, Future<FsStat>> e : batch.entrySet()) {
                try {
                    long wait = Math.max(0, deadline - System.nanoTime());
                    out.put(e.getKey(), new Outcome(e.getValue().get(wait, TimeUnit.NANOSECONDS), null));
                } catch (TimeoutException ex) {
                    stuck.put(e.getKey(), e.getValue());
                    timeouts++;
                    out.put(e.getKey(), Outcome.STUCK);
                } catch (ExecutionException ex) {
                    Throwable c = ex.getCause();
                    out.put(e.getKey(), new Outcome(null, c instanceof IOException io ? io : new IOException(c)));
                }
            }
        }
        return out;
    }

    private Future<FsStat> submit(String path) {
        return callers.submit(() -> {
            liveCalls.incrementAndGet();
            try {
                return statter.stat(path);
            } finally {
                liveCalls.decrementAndGet();
            }
        });
    }

    private String statPath(String mountPoint) {
        Path root = config.rootfs();
        return root.toString().equals("/")
                ? mountPoint
                : root.resolve(mountPoint.substring(1)).toString();
    }

    /** PID 1's view as node_exporter reads it, or our own where PID 1 is hidden (hidepid). */
    private String readMountinfo() throws IOException {
        try {
            return Files.readString(config.procRoot().resolve("1/mountinfo"));
        } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
            return Files.readString(config.procRoot().resolve("self/mountinfo"));
        }
    }

    private static MetricFamily.Builder gauge(String name, String help) {
        return MetricFamily.builder(name, MetricType.GAUGE, help);
    }

    @Override
    public void close() {
        callers.shutdownNow();
    }
}
