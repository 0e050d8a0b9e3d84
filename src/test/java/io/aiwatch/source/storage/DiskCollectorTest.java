package io.aiwatch.source.storage;

import static io.aiwatch.source.storage.Fixtures.byLabel;
import static io.aiwatch.source.storage.Fixtures.family;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCollectorTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final ParseErrors errors = new ParseErrors();

    @Test
    void reportsWholeDisksOnlyAndDropsLoopDevicesByDefault() throws Exception {
        Snapshot s = new DiskCollector(Fixtures.config(), clock, errors).collect();
        assertThat(byLabel(s, "aiwatch_disk_reads_completed_total", "device").keySet())
                .containsExactly("dm-0", "nvme0n1", "sda", "sdb", "sdz");
    }

    @Test
    void reportsPartitionsWhenAskedTo() throws Exception {
        StorageConfig c = Fixtures.config();
        c = new StorageConfig(
                true,
                c.interval(),
                true,
                c.diskExclude(),
                c.procRoot(),
                c.sysRoot(),
                c.rootfs(),
                c.mountTimeout(),
                c.fsTypesExclude(),
                c.mountPointsExclude(),
                c.processPatterns(),
                c.maxProcesses());
        Snapshot s = new DiskCollector(c, clock, errors).collect();
        assertThat(byLabel(s, "aiwatch_disk_reads_completed_total", "device").keySet())
                .containsExactly("dm-0", "nvme0n1", "nvme0n1p1", "sda", "sda1", "sdb", "sdz");
        assertThat(family(s, "aiwatch_disk_info").samples())
                .filteredOn(x -> x.labels().get("device").equals("sda1"))
                .singleElement()
                .satisfies(x -> assertThat(x.labels().get("model")).isEqualTo("Samsung SSD 870"));
    }

    @Test
    void convertsToBaseUnitsLikeNodeExporter() throws Exception {
        // Same float arithmetic as node_exporter (ticks * 0.001, sectors * 512.0), so 700 ms is 0.7000000000000001 in
        // both.
        Snapshot s = new DiskCollector(Fixtures.config(), clock, errors).collect();
        assertThat(byLabel(s, "aiwatch_disk_read_bytes_total", "device")).contains(entry("nvme0n1", 204800 * 512.0));
        assertThat(byLabel(s, "aiwatch_disk_written_bytes_total", "device")).contains(entry("sda", 81920 * 512.0));
        assertThat(byLabel(s, "aiwatch_disk_read_time_seconds_total", "device"))
                .contains(entry("nvme0n1", 500 * 0.001));
        assertThat(byLabel(s, "aiwatch_disk_write_time_seconds_total", "device"))
                .contains(entry("nvme0n1", 700 * 0.001));
        assertThat(byLabel(s, "aiwatch_disk_io_now", "device")).contains(entry("nvme0n1", 3.0), entry("sdb", 1.0));
        assertThat(byLabel(s, "aiwatch_disk_io_time_seconds_total", "device")).contains(entry("nvme0n1", 1200 * 0.001));
        assertThat(byLabel(s, "aiwatch_disk_io_time_weighted_seconds_total", "device"))
                .contains(entry("nvme0n1", 1500 * 0.001));
        assertThat(byLabel(s, "aiwatch_disk_reads_merged_total", "device")).contains(entry("nvme0n1", 10.0));
        assertThat(byLabel(s, "aiwatch_disk_writes_completed_total", "device")).contains(entry("nvme0n1", 2000.0));
        assertThat(byLabel(s, "aiwatch_disk_writes_merged_total", "device")).contains(entry("nvme0n1", 20.0));
        assertThat(byLabel(s, "aiwatch_disk_discarded_bytes_total", "device")).contains(entry("nvme0n1", 800 * 512.0));
        assertThat(byLabel(s, "aiwatch_disk_discard_time_seconds_total", "device"))
                .contains(entry("sda", 9 * 0.001));
        assertThat(byLabel(s, "aiwatch_disk_flushes_completed_total", "device")).contains(entry("nvme0n1", 90.0));
        assertThat(byLabel(s, "aiwatch_disk_flush_time_seconds_total", "device"))
                .contains(entry("nvme0n1", 30 * 0.001));
        assertThat(byLabel(s, "aiwatch_disk_reads_completed_total", "device"))
                .contains(entry("sdb", 1.8446744073709552E19));
    }

    @Test
    void emitsDiscardAndFlushFamiliesOnlyForLinesThatHaveThem() throws Exception {
        Snapshot s = new DiskCollector(Fixtures.config(), clock, errors).collect();
        assertThat(byLabel(s, "aiwatch_disk_discards_completed_total", "device").keySet())
                .containsExactly("dm-0", "nvme0n1", "sda", "sdz");
        assertThat(byLabel(s, "aiwatch_disk_flushes_completed_total", "device").keySet())
                .containsExactly("dm-0", "nvme0n1", "sdz");
        // 14-field sdb: 11 families; 18-field sda: 15; 20-field nvme0n1: 17 (io_now included).
        assertThat(countFamiliesWith(s, "sdb")).isEqualTo(11);
        assertThat(countFamiliesWith(s, "sda")).isEqualTo(15);
        assertThat(countFamiliesWith(s, "nvme0n1")).isEqualTo(17);
    }

    @Test
    void describesEachDiskFromSysfs() throws Exception {
        Snapshot s = new DiskCollector(Fixtures.config(), clock, errors).collect();
        Map<String, Sample> info = new java.util.TreeMap<>();
        family(s, "aiwatch_disk_info")
                .samples()
                .forEach(x -> info.put(x.labels().get("device"), x));
        assertThat(info.get("nvme0n1").labels().toString())
                .isEqualTo(
                        "{device=\"nvme0n1\",major=\"259\",minor=\"0\","
                                + "model=\"Samsung SSD 990 PRO 2TB\",class=\"nvme\",rotational=\"0\",scheduler=\"none\",logical_block_size=\"512\"}");
        assertThat(info.get("sda").labels().get("class")).isEqualTo("ssd");
        assertThat(info.get("sda").labels().get("scheduler")).isEqualTo("mq-deadline");
        assertThat(info.get("sdb").labels().get("class")).isEqualTo("hdd");
        assertThat(info.get("sdb").labels().get("scheduler")).isEqualTo("bfq");
        assertThat(info.get("sdb").labels().get("logical_block_size")).isEqualTo("4096");
        assertThat(info.get("dm-0").labels().get("class")).isEqualTo("virtual");
        // sdz is in diskstats but has no sysfs entry (it vanished): reported, with unknown facts.
        assertThat(info.get("sdz").labels().get("class")).isEqualTo("unknown");
        assertThat(info.get("sdz").labels().get("model")).isEmpty();
        assertThat(info.values()).allSatisfy(x -> assertThat(x.value()).isEqualTo(1.0));
    }

    @Test
    void countsBadLinesAndStillReportsTheGoodOnes() throws Exception {
        Snapshot s = new DiskCollector(Fixtures.config(), clock, errors).collect();
        assertThat(errors.count("diskstats")).isEqualTo(3); // sdc truncated, sdd non-numeric, sde 19 fields
        assertThat(byLabel(s, "aiwatch_storage_parse_errors_total", "file")).containsExactly(entry("diskstats", 3.0));
    }

    @Test
    void forgetsADeviceThatVanishesBetweenTwoReads(@TempDir Path tmp) throws Exception {
        Path proc = Fixtures.copyProc(tmp);
        DiskCollector c = new DiskCollector(Fixtures.config().withRoots(proc, Fixtures.SYS), clock, errors);
        assertThat(byLabel(c.collect(), "aiwatch_disk_info", "device")).containsKey("sda");
        String without = Files.readAllLines(proc.resolve("diskstats")).stream()
                .filter(l -> !l.contains(" sda "))
                .reduce("", (a, b) -> a + b + "\n");
        Fixtures.write(proc.resolve("diskstats"), without);
        Snapshot second = c.collect();
        assertThat(byLabel(second, "aiwatch_disk_info", "device"))
                .doesNotContainKey("sda")
                .containsKey("nvme0n1");
        assertThat(byLabel(second, "aiwatch_disk_read_bytes_total", "device")).doesNotContainKey("sda");
    }

    @Test
    void classifiesDevicesByNamePathAndRotationalFlag() {
        assertThat(DeviceClass.of("zram0", "/sys/devices/virtual/block/zram0", "0"))
                .isEqualTo("ram");
        assertThat(DeviceClass.of("nbd0", "", "0")).isEqualTo("network");
        assertThat(DeviceClass.of("sdc", "/sys/devices/platform/host3/session1/target3:0:0/3:0:0:0/block/sdc", "1"))
                .isEqualTo("network");
        assertThat(DeviceClass.of("vda", "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", "1"))
                .isEqualTo("virtual");
        assertThat(DeviceClass.of("nvme1n1", "/sys/devices/pci0000:00/0000:00:01.0/nvme/nvme1/nvme1n1", "0"))
                .isEqualTo("nvme");
        assertThat(DeviceClass.of("sda", "/sys/devices/pci0000:00/ata1/host0/block/sda", "1"))
                .isEqualTo("hdd");
        assertThat(DeviceClass.of("sda", "/sys/devices/pci0000:00/ata1/host0/block/sda", "0"))
                .isEqualTo("ssd");
        assertThat(SysBlock.activeScheduler("none")).isEqualTo("none");
        assertThat(SysBlock.activeScheduler("mq-deadline kyber")).isEmpty();
    }

    private static long countFamiliesWith(Snapshot s, String device) {
        return s.families().stream()
                .filter(f -> f.name().startsWith("aiwatch_disk_") && !f.name().equals("aiwatch_disk_info"))
                .filter(f -> f.samples().stream()
                        .anyMatch(x -> device.equals(x.labels().get("device"))))
                .count();
    }
}
