package io.aiwatch.source.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.nio.file.ExtendedOpenOption;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Snapshot;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * aiwatch's disk and filesystem numbers against a real node_exporter on the same machine, after
 * real I/O on a real disk: 64 MiB written with fsync, read back with O_DIRECT. Disk counters are
 * bracketed: aiwatch reads /proc/diskstats, then node_exporter is scraped, then aiwatch reads again,
 * so every node_exporter counter must lie between aiwatch's two values (within one sampling
 * interval). Filesystem sizes and inode totals must be equal. The JVM's own /proc/PID/io, read
 * through the process I/O collector as a GPU process, must show the O_DIRECT read.
 */
class StorageNodeExporterIT {
    private static final int MIB = 1 << 20;
    private static final int FILE_BYTES = 64 * MIB;

    /** aiwatch family → node_exporter family, and node = aiwatch × factor. */
    private record Pair(String ours, String node, double factor) {}

    private static final List<Pair> DISK = List.of(
            new Pair("aiwatch_disk_reads_completed_total", "node_disk_reads_completed_total", 1),
            new Pair("aiwatch_disk_reads_merged_total", "node_disk_reads_merged_total", 1),
            new Pair("aiwatch_disk_read_bytes_total", "node_disk_read_bytes_total", 1),
            new Pair("aiwatch_disk_read_time_seconds_total", "node_disk_read_time_seconds_total", 1),
            new Pair("aiwatch_disk_writes_completed_total", "node_disk_writes_completed_total", 1),
            new Pair("aiwatch_disk_writes_merged_total", "node_disk_writes_merged_total", 1),
            new Pair("aiwatch_disk_written_bytes_total", "node_disk_written_bytes_total", 1),
            new Pair("aiwatch_disk_write_time_seconds_total", "node_disk_write_time_seconds_total", 1),
            new Pair("aiwatch_disk_io_time_seconds_total", "node_disk_io_time_seconds_total", 1),
            new Pair("aiwatch_disk_io_time_weighted_seconds_total", "node_disk_io_time_weighted_seconds_total", 1),
            new Pair("aiwatch_disk_discards_completed_total", "node_disk_discards_completed_total", 1),
            new Pair("aiwatch_disk_discards_merged_total", "node_disk_discards_merged_total", 1),
            new Pair("aiwatch_disk_discarded_bytes_total", "node_disk_discarded_sectors_total", 1 / 512.0),
            new Pair("aiwatch_disk_discard_time_seconds_total", "node_disk_discard_time_seconds_total", 1),
            new Pair("aiwatch_disk_flushes_completed_total", "node_disk_flush_requests_total", 1),
            new Pair("aiwatch_disk_flush_time_seconds_total", "node_disk_flush_requests_time_seconds_total", 1));

    private static NodeExporterProcess nodeExporter;
    private static DiskCollector disks;
    private static FilesystemCollector filesystems;

    @BeforeAll
    static void start() throws Exception {
        nodeExporter = new NodeExporterProcess();
        StorageConfig config = StorageConfig.defaults();
        ParseErrors errors = new ParseErrors();
        disks = new DiskCollector(config, Clock.systemUTC(), errors);
        filesystems = new FilesystemCollector(config, errors, new Statvfs());
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeExporter != null) {
            nodeExporter.close();
        }
        if (filesystems != null) {
            filesystems.close();
        }
    }

    @Test
    void diskCountersAgreeWithNodeExporterAfterRealIo() throws Exception {
        BackingDisk target = BackingDisk.find();
        long self = ProcessHandle.current().pid();
        ProcessIoCollector processes =
                new ProcessIoCollector(StorageConfig.defaults(), new ParseErrors(), () -> Set.of(self));
        PromText before = ours(disks.collect());
        double selfReadBefore = selfRead(processes, self);
        Path file = Files.createTempFile(target.dir(), "aiwatch-it", ".bin");
        try {
            writeWithFsync(file);
            readWithODirect(file);
        } finally {
            Files.deleteIfExists(file);
        }
        PromText ours1 = ours(disks.collect());
        PromText node = PromText.parse(nodeExporter.scrape());
        PromText ours2 = ours(disks.collect());
        assertThat(selfRead(processes, self) - selfReadBefore)
                .as("this JVM's /proc/PID/io read_bytes after the O_DIRECT read")
                .isGreaterThanOrEqualTo(FILE_BYTES);

        String dev = "{device=" + target.disk() + "}";
        assertThat(ours1.get("aiwatch_disk_written_bytes_total").get(dev)
                        - before.get("aiwatch_disk_written_bytes_total").get(dev))
                .as("bytes written to %s by the test", target.disk())
                .isGreaterThanOrEqualTo(FILE_BYTES);
        assertThat(ours1.get("aiwatch_disk_read_bytes_total").get(dev)
                        - before.get("aiwatch_disk_read_bytes_total").get(dev))
                .as("bytes read from %s by the test (O_DIRECT)", target.disk())
                .isGreaterThanOrEqualTo(FILE_BYTES);

        assertThat(node.get("node_disk_read_bytes_total").keySet())
                .as("disks seen by node_exporter")
                .isNotEmpty()
                .contains(dev)
                .isEqualTo(ours1.get("aiwatch_disk_read_bytes_total").keySet());
        int compared = 0;
        for (Pair p : DISK) {
            Map<String, Double> n = node.get(p.node());
            assertThat(n.keySet()).as(p.node()).isEqualTo(ours1.get(p.ours()).keySet());
            for (Map.Entry<String, Double> e : n.entrySet()) {
                double lo = ours1.get(p.ours()).get(e.getKey()) * p.factor();
                double hi = ours2.get(p.ours()).get(e.getKey()) * p.factor();
                assertThat(e.getValue())
                        .as("%s%s: node_exporter %s vs aiwatch %s..%s", p.node(), e.getKey(), e.getValue(), lo, hi)
                        .isBetween(lo, hi);
                compared++;
            }
        }
        assertThat(node.get("node_disk_io_now").keySet())
                .isEqualTo(ours1.get("aiwatch_disk_io_now").keySet());
        assertThat(compared).isGreaterThanOrEqualTo(11);
    }

    @Test
    void filesystemSizesAgreeExactlyWithNodeExporter() throws Exception {
        PromText ours = ours(filesystems.collect());
        PromText node = PromText.parse(nodeExporter.scrape());
        Map<String, Double> nodeSize = node.get("node_filesystem_size_bytes");
        assertThat(nodeSize).as("filesystems seen by node_exporter").isNotEmpty();
        assertThat(ours.get("aiwatch_filesystem_size_bytes")).isEqualTo(nodeSize);
        assertThat(ours.get("aiwatch_filesystem_files")).isEqualTo(node.get("node_filesystem_files"));
        assertThat(ours.get("aiwatch_filesystem_readonly")).isEqualTo(node.get("node_filesystem_readonly"));
        assertThat(ours.get("aiwatch_filesystem_device_error")).isEqualTo(node.get("node_filesystem_device_error"));
        // Free space moves with other writers on the machine: equal within 1% of the size.
        for (String fam : List.of("free_bytes", "avail_bytes")) {
            Map<String, Double> n = node.get("node_filesystem_" + fam);
            assertThat(ours.get("aiwatch_filesystem_" + fam).keySet()).isEqualTo(n.keySet());
            n.forEach((k, v) -> assertThat(ours.get("aiwatch_filesystem_" + fam).get(k))
                    .as("%s%s", fam, k)
                    .isCloseTo(v, org.assertj.core.data.Offset.offset(nodeSize.get(k) * 0.01 + MIB)));
        }
    }

    private static double selfRead(ProcessIoCollector c, long pid) throws Exception {
        return PromText.of(c.collect().families()).get("aiwatch_process_storage_read_bytes_total").entrySet().stream()
                .filter(e ->
                        e.getKey().contains("pid=" + pid + ",") || e.getKey().contains("pid=" + pid + "}"))
                .mapToDouble(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("own pid " + pid + " not tracked"));
    }

    private static PromText ours(Snapshot s) {
        List<MetricFamily> f = s.families().stream()
                .filter(x -> !x.name().equals("aiwatch_disk_info"))
                .collect(Collectors.toList());
        return PromText.of(f);
    }

    private static void writeWithFsync(Path file) throws Exception {
        byte[] chunk = new byte[MIB];
        new Random(42).nextBytes(chunk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int i = 0; i < FILE_BYTES / MIB; i++) {
                ByteBuffer b = ByteBuffer.wrap(chunk);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            ch.force(true);
        }
    }

    private static void readWithODirect(Path file) throws Exception {
        int align = (int) Math.max(4096, Files.getFileStore(file).getBlockSize());
        ByteBuffer buf = ByteBuffer.allocateDirect(MIB + align).alignedSlice(align);
        buf.limit(MIB);
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            int n;
            while ((n = ch.read(buf)) > 0) {
                total += n;
                buf.clear().limit(MIB);
            }
        }
        assertThat(total).isEqualTo(FILE_BYTES);
    }
}
