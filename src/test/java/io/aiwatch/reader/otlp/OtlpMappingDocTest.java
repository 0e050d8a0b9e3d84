package io.aiwatch.reader.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/OTLP.md and {@link SemanticMapping} stay in step, and every GPU family has an explicit rule. */
class OtlpMappingDocTest {
    private static final String DOC = read();

    private static String read() {
        try {
            return Files.readString(Path.of("docs/OTLP.md"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyRuleIsARowOfTheMappingTable() {
        SemanticMapping.table()
                .forEach((family, rule) -> assertThat(DOC)
                        .as(family)
                        .contains("| `" + family + "` | `" + rule.name() + "` | `" + rule.unit() + "` |"));
        for (Rule derived : List.of(
                DerivedMetrics.GPU_MEMORY_LIMIT,
                DerivedMetrics.GPU_MEMORY_UTILIZATION,
                DerivedMetrics.GPU_STATUS_OK,
                DerivedMetrics.FS_USED,
                DerivedMetrics.FS_UTILIZATION)) {
            assertThat(DOC).contains("| `" + derived.name() + "` | `" + derived.unit() + "` |");
        }
    }

    @Test
    void everyFamilyOfTheSimulatedGpusAndStorageHasAnExplicitRule() {
        OtlpFixtures fx = new OtlpFixtures();
        List<String> missing = new ArrayList<>();
        for (var s : fx.store.states()) {
            for (MetricFamily f : s.last().snapshot().families()) {
                boolean explicit = SemanticMapping.table().containsKey(f.name())
                        || SemanticMapping.FOLDED.contains(f.name())
                        || f.name().endsWith("_window_seconds");
                if (!explicit) {
                    missing.add(f.name());
                }
            }
        }
        assertThat(missing).isEmpty();
    }
}
