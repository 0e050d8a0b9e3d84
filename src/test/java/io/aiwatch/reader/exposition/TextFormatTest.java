package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import org.junit.jupiter.api.Test;

class TextFormatTest {

    @Test
    void escapesQuotesBackslashesAndNewlinesInLabelValues() {
        var f = MetricFamily.builder("m", MetricType.GAUGE, "help with \\ and\nnewline")
                .add(Labels.of("modelName", "a \"quoted\" \\ name\nx"), 1)
                .build();
        StringBuilder sb = new StringBuilder();
        TextFormat.write(sb, f);
        assertThat(sb.toString()).isEqualTo("""
                # HELP m help with \\\\ and\\nnewline
                # TYPE m gauge
                m{modelName="a \\"quoted\\" \\\\ name\\nx"} 1
                """);
    }

    @Test
    void writesIntegersWithoutFractionAndSpecialValuesAsPrometheusSpellsThem() {
        StringBuilder sb = new StringBuilder();
        TextFormat.appendValue(sb, 42.0);
        sb.append(' ');
        TextFormat.appendValue(sb, 0.25);
        sb.append(' ');
        TextFormat.appendValue(sb, Double.NaN);
        sb.append(' ');
        TextFormat.appendValue(sb, Double.POSITIVE_INFINITY);
        sb.append(' ');
        TextFormat.appendValue(sb, Double.NEGATIVE_INFINITY);
        sb.append(' ');
        TextFormat.appendValue(sb, 1e20);
        assertThat(sb.toString()).isEqualTo("42 0.25 NaN +Inf -Inf 1.0E20");
    }

    @Test
    void keepsDcgmCounterTypeWithoutAddingTotalSuffix() {
        var f = MetricFamily.builder("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", MetricType.COUNTER, "Total energy")
                .add(Labels.of("gpu", "0"), 123456)
                .build();
        StringBuilder sb = new StringBuilder();
        TextFormat.write(sb, f);
        assertThat(sb.toString())
                .contains("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n")
                .contains("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\"} 123456\n")
                .doesNotContain("_total");
    }

    @Test
    void omitsFamiliesWithoutSamples() {
        StringBuilder sb = new StringBuilder();
        TextFormat.write(
                sb, MetricFamily.builder("empty", MetricType.GAUGE, "x").build());
        assertThat(sb).isEmpty();
    }
}
