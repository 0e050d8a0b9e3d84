package io.aiwatch.source.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ExpositionRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The four storage collectors together, through the store and the renderer, as the daemon runs them. */
class StorageExpositionTest {

    @Test
    void rendersEveryFamilyOnceWithValidLinesAndTheSharedParseErrorCounter() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        SnapshotStore store = new SnapshotStore(clock);
        List<Collector> collectors = StorageCollectors.create(
                Fixtures.config(), clock, () -> Set.of(2000L), path -> new FsStat(4096, 10, 5, 4, 100, 50));
        try (CollectorRunner runner = new CollectorRunner(store)) {
            // Filesystem and ZFS first, so their parse errors are in the counter the disk collector emits.
            for (int i : new int[] {1, 2, 3, 0}) {
                store.register(
                        collectors.get(i).name(),
                        collectors.get(i).interval(),
                        collectors.get(i).staleAfter());
                runner.runOnce(collectors.get(i));
            }
            String text = new String(new ExpositionRenderer(store).render(), StandardCharsets.UTF_8);
            Map<String, Long> typeLines = Arrays.stream(text.split("\n"))
                    .filter(l -> l.startsWith("# TYPE "))
                    .map(l -> l.split(" ")[2])
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(typeLines).allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1L));
            assertThat(typeLines)
                    .containsKeys(
                            "aiwatch_disk_read_bytes_total",
                            "aiwatch_filesystem_size_bytes",
                            "aiwatch_zfs_arc_hits_total",
                            "aiwatch_process_storage_read_bytes_total");
            assertThat(Arrays.stream(text.split("\n")).filter(l -> !l.startsWith("#")))
                    .allMatch(l -> l.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? \\S+"));
            assertThat(text)
                    .contains("aiwatch_storage_parse_errors_total{file=\"diskstats\"} 3\n")
                    .contains("aiwatch_storage_parse_errors_total{file=\"mountinfo\"} 1\n")
                    .contains("aiwatch_storage_parse_errors_total{file=\"arcstats\"} 2\n")
                    .contains("aiwatch_filesystem_size_bytes{device=\"/dev/sda1\",mountpoint=\"/mnt/my models\tv2\","
                            + "fstype=\"ext4\"} 40960\n")
                    .contains("aiwatch_collector_up{collector=\"storage_filesystem\"} 1\n");
        } finally {
            for (Collector c : collectors) {
                c.close();
            }
        }
    }
}
