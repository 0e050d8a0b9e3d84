package io.aiwatch.source.storage;

import static io.aiwatch.source.storage.Fixtures.byLabel;
import static io.aiwatch.source.storage.Fixtures.family;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZfsCollectorTest {
    private final ParseErrors errors = new ParseErrors();

    @Test
    void readsArcStatisticsInBaseUnits() throws Exception {
        Snapshot s = new ZfsCollector(Fixtures.config(), errors).collect();
        assertThat(family(s, "aiwatch_zfs_arc_hits_total").samples().get(0).value())
                .isEqualTo(8772612.0);
        assertThat(family(s, "aiwatch_zfs_arc_hits_total").type()).isEqualTo(MetricType.COUNTER);
        assertThat(family(s, "aiwatch_zfs_arc_misses_total").samples().get(0).value())
                .isEqualTo(604635.0);
        assertThat(family(s, "aiwatch_zfs_arc_size_bytes").samples().get(0).value())
                .isEqualTo(1073741824.0);
        assertThat(family(s, "aiwatch_zfs_arc_target_size_bytes")
                        .samples()
                        .get(0)
                        .value())
                .isEqualTo(2147483648.0);
        assertThat(family(s, "aiwatch_zfs_arc_max_size_bytes").samples().get(0).value())
                .isEqualTo(8367976448.0);
        assertThat(byLabel(s, "aiwatch_zfs_arcstat", "stat"))
                .contains(entry("arc_meta_used", 93476864.0), entry("anon_evictable", -5.0), entry("arc_no_grow", 0.0))
                .doesNotContainKey("broken");
    }

    @Test
    void countsBadRowsAndKeepsTheRest() throws Exception {
        new ZfsCollector(Fixtures.config(), errors).collect();
        assertThat(errors.count("arcstats")).isEqualTo(2);
    }

    @Test
    void reportsEachPoolsStateAsOneOfSeven() throws Exception {
        Snapshot s = new ZfsCollector(Fixtures.config(), errors).collect();
        var states = family(s, "aiwatch_zfs_pool_state").samples();
        assertThat(states).hasSize(14);
        assertThat(states)
                .filteredOn(x -> x.value() == 1.0)
                .extracting(x -> x.labels().toString())
                .containsExactly("{pool=\"scratch\",state=\"degraded\"}", "{pool=\"tank\",state=\"online\"}");
    }

    @Test
    void isEmptyWithoutTheZfsModule(@TempDir Path emptyProc) throws Exception {
        Snapshot s = new ZfsCollector(Fixtures.config().withRoots(emptyProc, Fixtures.SYS), errors).collect();
        assertThat(s.families()).isEmpty();
    }
}
