package io.aiwatch.source.storage;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Disk counters from {@code /proc/diskstats} plus one {@code aiwatch_disk_info} series per disk
 * from sysfs. Values are converted to base units exactly as node_exporter does (sectors × 512 =
 * bytes, ms / 1000 = seconds), so {@code aiwatch_disk_X} equals {@code node_disk_X} for the same
 * kernel counters; see docs/STORAGE.md for the mapping. Also emits the shared
 * {@code aiwatch_storage_parse_errors_total}.
 */
public final class DiskCollector implements Collector {
    static final double SECTOR_BYTES = 512.0;
    static final double SECONDS_PER_MS = 1.0 / 1000.0;
    private static final Duration INFO_REFRESH = Duration.ofMinutes(1);

    private final StorageConfig config;
    private final Clock clock;
    private final ParseErrors errors;
    private final Pattern exclude;
    private final SysBlock sysBlock;
    private final Path diskstats;
    private Map<String, DiskInfo> infoCache = Map.of();
    private Instant infoReadAt = Instant.MIN;

    public DiskCollector(StorageConfig config, Clock clock, ParseErrors errors) {
        this.config = config;
        this.clock = clock;
        this.errors = errors;
        this.exclude = Pattern.compile(config.diskExclude());
        this.sysBlock = new SysBlock(config.sysRoot());
        this.diskstats = config.procRoot().resolve("diskstats");
    }

    @Override
    public String name() {
        return "storage_disk";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Snapshot collect() throws IOException {
        List<DiskStats> all = DiskstatsParser.parse(Files.readString(diskstats), errors);
        List<DiskStats> disks = new ArrayList<>(all.size());
        Map<String, DiskInfo> info = refreshInfo(all);
        for (DiskStats d : all) {
            DiskInfo i = info.get(d.device());
            if (exclude.matcher(d.device()).find() || (i.partition() && !config.includePartitions())) {
                continue;
            }
            disks.add(d);
        }
        List<MetricFamily> families = new ArrayList<>(DiskFamilies.build(disks));
        var infoFamily = MetricFamily.builder(
                "aiwatch_disk_info",
                MetricType.GAUGE,
                "Block device facts from sysfs; class is nvme, ssd, hdd, virtual, network or ram. Always 1.");
        for (DiskStats d : disks) {
            DiskInfo i = info.get(d.device());
            infoFamily.add(
                    Labels.of(
                            "device",
                            d.device(),
                            "major",
                            Integer.toString(d.major()),
                            "minor",
                            Integer.toString(d.minor()),
                            "model",
                            i.model(),
                            "class",
                            i.deviceClass(),
                            "rotational",
                            i.rotational(),
                            "scheduler",
                            i.scheduler(),
                            "logical_block_size",
                            i.logicalBlockSize()),
                    1);
        }
        families.add(infoFamily.build());
        families.add(errors.family());
        return Snapshot.of(families);
    }

    /** Sysfs facts change rarely: re-read them when the device set changes or once a minute. */
    private Map<String, DiskInfo> refreshInfo(List<DiskStats> all) {
        Instant now = clock.instant();
        boolean sameDevices =
                all.size() == infoCache.size() && all.stream().allMatch(d -> infoCache.containsKey(d.device()));
        if (sameDevices && now.isBefore(infoReadAt.plus(INFO_REFRESH))) {
            return infoCache;
        }
        Map<String, DiskInfo> fresh = new HashMap<>();
        for (DiskStats d : all) {
            boolean partition = sysBlock.isPartition(d.device());
            fresh.put(d.device(), sysBlock.info(d.device(), partition));
        }
        infoCache = Map.copyOf(fresh);
        infoReadAt = now;
        return infoCache;
    }

    /** The counter families, one sample per disk; discard and flush families only from lines that have them. */
    static final class DiskFamilies {
        private DiskFamilies() {}

        static List<MetricFamily> build(List<DiskStats> disks) {
            List<MetricFamily> out = new ArrayList<>();
            counter(
                    out,
                    disks,
                    "aiwatch_disk_reads_completed_total",
                    "Reads completed successfully.",
                    1,
                    DiskStats::readsCompleted,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_reads_merged_total",
                    "Adjacent reads merged by the block layer.",
                    1,
                    DiskStats::readsMerged,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_read_bytes_total",
                    "Bytes read (512-byte sectors x 512).",
                    SECTOR_BYTES,
                    DiskStats::sectorsRead,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_read_time_seconds_total",
                    "Seconds spent by all reads.",
                    SECONDS_PER_MS,
                    DiskStats::readTimeMs,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_writes_completed_total",
                    "Writes completed successfully.",
                    1,
                    DiskStats::writesCompleted,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_writes_merged_total",
                    "Adjacent writes merged by the block layer.",
                    1,
                    DiskStats::writesMerged,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_written_bytes_total",
                    "Bytes written (512-byte sectors x 512).",
                    SECTOR_BYTES,
                    DiskStats::sectorsWritten,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_write_time_seconds_total",
                    "Seconds spent by all writes.",
                    SECONDS_PER_MS,
                    DiskStats::writeTimeMs,
                    14);
            var now =
                    MetricFamily.builder("aiwatch_disk_io_now", MetricType.GAUGE, "I/Os in flight at collection time.");
            disks.forEach(d -> now.add(Labels.of("device", d.device()), unsigned(d.ioInProgress())));
            out.add(now.build());
            counter(
                    out,
                    disks,
                    "aiwatch_disk_io_time_seconds_total",
                    "Seconds during which the device had I/O in flight.",
                    SECONDS_PER_MS,
                    DiskStats::ioTimeMs,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_io_time_weighted_seconds_total",
                    "I/O seconds weighted by the number of I/Os in flight.",
                    SECONDS_PER_MS,
                    DiskStats::weightedIoTimeMs,
                    14);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_discards_completed_total",
                    "Discards completed successfully (kernel 4.18+).",
                    1,
                    DiskStats::discardsCompleted,
                    18);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_discards_merged_total",
                    "Adjacent discards merged (kernel 4.18+).",
                    1,
                    DiskStats::discardsMerged,
                    18);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_discarded_bytes_total",
                    "Bytes discarded (512-byte sectors x 512; kernel 4.18+).",
                    SECTOR_BYTES,
                    DiskStats::sectorsDiscarded,
                    18);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_discard_time_seconds_total",
                    "Seconds spent by all discards (kernel 4.18+).",
                    SECONDS_PER_MS,
                    DiskStats::discardTimeMs,
                    18);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_flushes_completed_total",
                    "Flush requests completed successfully (kernel 5.5+).",
                    1,
                    DiskStats::flushesCompleted,
                    20);
            counter(
                    out,
                    disks,
                    "aiwatch_disk_flush_time_seconds_total",
                    "Seconds spent by all flush requests (kernel 5.5+).",
                    SECONDS_PER_MS,
                    DiskStats::flushTimeMs,
                    20);
            return out;
        }

        private static void counter(
                List<MetricFamily> out,
                List<DiskStats> disks,
                String name,
                String help,
                double scale,
                ToLongFunction<DiskStats> field,
                int minFields) {
            var b = MetricFamily.builder(name, MetricType.COUNTER, help);
            for (DiskStats d : disks) {
                if (d.fieldCount() >= minFields) {
                    b.add(Labels.of("device", d.device()), unsigned(field.applyAsLong(d)) * scale);
                }
            }
            out.add(b.build());
        }
    }

    /** Kernel counters are unsigned 64-bit; a value above 2^63 must not turn negative. */
    static double unsigned(long v) {
        return v >= 0 ? (double) v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
