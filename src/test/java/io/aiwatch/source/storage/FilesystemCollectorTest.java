package io.aiwatch.source.storage;

import static io.aiwatch.source.storage.Fixtures.byLabel;
import static io.aiwatch.source.storage.Fixtures.family;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.aiwatch.collect.Snapshot;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FilesystemCollectorTest {
    private final ParseErrors errors = new ParseErrors();
    private final CountDownLatch nfsServerBack = new CountDownLatch(1);
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private FilesystemCollector collector;

    /** 4 KiB fragments; /mnt/nfs hangs until released; /mnt/gone was unmounted after mountinfo was read. */
    private FsStat fakeStat(String path) throws java.io.IOException {
        calls.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        switch (path) {
            case "/mnt/nfs" -> {
                try {
                    nfsServerBack.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case "/mnt/gone" -> throw new NoSuchFileException(path);
            default -> {}
        }
        return new FsStat(4096, 1000, 400, 300, 5000, 4000);
    }

    private FilesystemCollector collector() {
        StorageConfig c = Fixtures.config();
        c = new StorageConfig(
                true,
                c.interval(),
                false,
                c.diskExclude(),
                c.procRoot(),
                c.sysRoot(),
                c.rootfs(),
                Duration.ofMillis(200),
                c.fsTypesExclude(),
                c.mountPointsExclude(),
                c.processPatterns(),
                c.maxProcesses());
        collector = new FilesystemCollector(c, errors, this::fakeStat);
        return collector;
    }

    @AfterEach
    void release() {
        nfsServerBack.countDown();
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void appliesNodeExporterDefaultExcludesAndEmitsDuplicatesOnce() throws Exception {
        Snapshot s = collector().collect();
        assertThat(family(s, "aiwatch_filesystem_readonly").samples())
                .extracting(x -> x.labels().get("mountpoint"))
                .containsExactly(
                        "/",
                        "/data",
                        "/models",
                        "/mnt/my models\tv2",
                        "/mnt/nfs",
                        "/mnt/gone",
                        "/run/user/0",
                        "/var/lib/db");
        assertThat(errors.count("mountinfo")).isEqualTo(1);
    }

    @Test
    void reportsSizesInBytesWithDeviceMountpointAndFstypeLabels() throws Exception {
        Snapshot s = collector().collect();
        var size = family(s, "aiwatch_filesystem_size_bytes").samples().stream()
                .filter(x -> x.labels().get("mountpoint").equals("/data"))
                .findFirst()
                .orElseThrow();
        assertThat(size.labels().toString())
                .isEqualTo("{device=\"/dev/nvme0n1p1\",mountpoint=\"/data\",fstype=\"xfs\"}");
        assertThat(size.value()).isEqualTo(4096.0 * 1000);
        assertThat(byLabel(s, "aiwatch_filesystem_free_bytes", "mountpoint")).contains(entry("/data", 4096.0 * 400));
        assertThat(byLabel(s, "aiwatch_filesystem_avail_bytes", "mountpoint")).contains(entry("/data", 4096.0 * 300));
        assertThat(byLabel(s, "aiwatch_filesystem_files", "mountpoint")).contains(entry("/data", 5000.0));
        assertThat(byLabel(s, "aiwatch_filesystem_files_free", "mountpoint")).contains(entry("/data", 4000.0));
        assertThat(byLabel(s, "aiwatch_filesystem_readonly", "mountpoint"))
                .contains(entry("/mnt/my models\tv2", 1.0), entry("/var/lib/db", 1.0), entry("/data", 0.0));
    }

    @Test
    void reportsAMountThatVanishedAsDeviceErrorWithoutSizes() throws Exception {
        Snapshot s = collector().collect();
        assertThat(byLabel(s, "aiwatch_filesystem_device_error", "mountpoint"))
                .contains(entry("/mnt/gone", 1.0), entry("/", 0.0));
        assertThat(byLabel(s, "aiwatch_filesystem_size_bytes", "mountpoint")).doesNotContainKey("/mnt/gone");
    }

    @Test
    void aStuckMountIsReportedAndNotWaitedOnOrRetriedUntilItsCallReturns() throws Exception {
        FilesystemCollector c = collector();
        long t0 = System.nanoTime();
        Snapshot first = c.collect();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(byLabel(first, "aiwatch_filesystem_stat_timeout", "mountpoint"))
                .containsExactly(entry("/mnt/nfs", 1.0));
        assertThat(byLabel(first, "aiwatch_filesystem_device_error", "mountpoint"))
                .contains(entry("/mnt/nfs", 1.0));
        assertThat(byLabel(first, "aiwatch_filesystem_size_bytes", "mountpoint"))
                .doesNotContainKey("/mnt/nfs")
                .containsKey("/data");

        Snapshot second = c.collect();
        // Skipped without waiting: no second call on the stuck mount (a wait only happens around a
        // call), and no extra thread. Counted rather than timed, so a busy CI box cannot flake it.
        assertThat(calls.get("/mnt/nfs").get()).isEqualTo(1);
        assertThat(c.liveCalls()).isEqualTo(1);
        assertThat(byLabel(second, "aiwatch_filesystem_stat_timeout", "mountpoint"))
                .containsExactly(entry("/mnt/nfs", 1.0));
        assertThat(family(second, "aiwatch_filesystem_stat_timeouts_total")
                        .samples()
                        .get(0)
                        .value())
                .isEqualTo(1.0);

        nfsServerBack.countDown();
        for (int i = 0; i < 200 && c.liveCalls() > 0; i++) {
            Thread.sleep(10);
        }
        Snapshot third = c.collect();
        assertThat(family(third, "aiwatch_filesystem_stat_timeout").samples()).isEmpty();
        assertThat(byLabel(third, "aiwatch_filesystem_size_bytes", "mountpoint"))
                .containsKey("/mnt/nfs");
        assertThat(calls.get("/mnt/nfs").get()).isEqualTo(2);
    }

    @Test
    void manyDeadMountsCostOneTimeoutPerBatchOfFourNotOneEach() throws Exception {
        StorageConfig d = Fixtures.config();
        StorageConfig c = new StorageConfig(
                true,
                d.interval(),
                false,
                d.diskExclude(),
                d.procRoot(),
                d.sysRoot(),
                d.rootfs(),
                Duration.ofMillis(300),
                d.fsTypesExclude(),
                d.mountPointsExclude(),
                d.processPatterns(),
                d.maxProcesses());
        collector = new FilesystemCollector(c, errors, path -> {
            try {
                nfsServerBack.await(30, TimeUnit.SECONDS); // every mount is dead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new FsStat(1, 1, 1, 1, 1, 1);
        });
        long t0 = System.nanoTime();
        Snapshot s = collector.collect();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // 8 mount points: two batches of 4, so ~600 ms; one at a time would be 2.4 s.
        assertThat(ms).isBetween(500L, 1800L);
        assertThat(family(s, "aiwatch_filesystem_stat_timeout").samples()).hasSize(8);
        assertThat(family(s, "aiwatch_filesystem_stat_timeouts_total")
                        .samples()
                        .get(0)
                        .value())
                .isEqualTo(8.0);
        assertThat(collector.liveCalls()).isEqualTo(8);
        collector.collect();
        assertThat(collector.liveCalls())
                .as("no new threads for mounts still stuck")
                .isEqualTo(8);
    }

    @Test
    void statsUnderTheRootfsPrefixButLabelsTheHostMountPoint() throws Exception {
        StorageConfig d = Fixtures.config();
        StorageConfig c = new StorageConfig(
                true,
                d.interval(),
                false,
                d.diskExclude(),
                d.procRoot(),
                d.sysRoot(),
                java.nio.file.Path.of("/host"),
                Duration.ofMillis(200),
                d.fsTypesExclude(),
                d.mountPointsExclude(),
                d.processPatterns(),
                d.maxProcesses());
        collector = new FilesystemCollector(c, errors, this::fakeStat);
        Snapshot s = collector.collect();
        assertThat(calls).containsKeys("/host", "/host/data");
        assertThat(byLabel(s, "aiwatch_filesystem_size_bytes", "mountpoint")).containsKey("/data");
    }
}
