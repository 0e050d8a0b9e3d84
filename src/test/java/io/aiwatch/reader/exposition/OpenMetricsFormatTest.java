package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenMetricsFormatTest {
    private static String om(MetricFamily f) {
        StringBuilder sb = new StringBuilder();
        OpenMetricsFormat.write(sb, f);
        return sb.toString();
    }

    @Test
    void ourTotalCountersDropTotalOnMetadataButKeepItOnSamples() {
        var f = MetricFamily.builder("aiwatch_http_scrapes_rejected_total", MetricType.COUNTER, "Rejected.")
                .add(Labels.EMPTY, 3)
                .build();
        assertThat(om(f)).isEqualTo("""
                # TYPE aiwatch_http_scrapes_rejected counter
                # HELP aiwatch_http_scrapes_rejected Rejected.
                aiwatch_http_scrapes_rejected_total 3
                """);
    }

    @Test
    void dcgmCountersKeepTheirExactNamesAsUnknown() {
        var f = MetricFamily.builder("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", MetricType.COUNTER, "mJ.")
                .add(Labels.of("gpu", "0"), 5)
                .build();
        var upper = MetricFamily.builder("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", MetricType.COUNTER, "x")
                .add(Labels.of("gpu", "0"), 1)
                .build();
        assertThat(om(f)).isEqualTo("""
                # TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION unknown
                # HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION mJ.
                DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0"} 5
                """);
        assertThat(om(upper))
                .startsWith("# TYPE DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL unknown\n")
                .contains("\nDCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL{gpu=\"0\"} 1\n");
    }

    @Test
    void escapesQuotesInHelpUnlikeText004() {
        var f = MetricFamily.builder("g", MetricType.GAUGE, "a \"q\" \\ b\nc")
                .add(Labels.of("l", "x\"\\\ny"), 1)
                .build();
        assertThat(om(f)).contains("# HELP g a \\\"q\\\" \\\\ b\\nc\n").contains("g{l=\"x\\\"\\\\\\ny\"} 1\n");
        StringBuilder text = new StringBuilder();
        TextFormat.write(text, f);
        assertThat(text.toString()).contains("# HELP g a \"q\" \\\\ b\\nc\n");
    }

    @Test
    void omitsEmptyHelpAndWritesTypeFirst() {
        var f = MetricFamily.builder("g", MetricType.GAUGE, "")
                .add(Labels.EMPTY, 1.5)
                .build();
        assertThat(om(f)).isEqualTo("# TYPE g gauge\ng 1.5\n");
    }

    @Test
    void rendersBucketBoundsCanonically() {
        var h = MetricFamily.builder("h_seconds", MetricType.HISTOGRAM, "h");
        for (String le : List.of("1", "0.1", "1e-05", "100000", "1000000", "2.5E7", "+Inf")) {
            h.addSample("h_seconds_bucket", Labels.of("le", le), 1);
        }
        h.addSample("h_seconds_sum", Labels.EMPTY, 1);
        h.addSample("h_seconds_count", Labels.EMPTY, 1);
        assertThat(om(h.build()))
                .contains(
                        "le=\"1.0\"",
                        "le=\"0.1\"",
                        "le=\"1e-05\"",
                        "le=\"100000.0\"",
                        "le=\"1e+06\"",
                        "le=\"2.5e+07\"",
                        "le=\"+Inf\"")
                .startsWith("# TYPE h_seconds histogram\n");
    }

    @Test
    void canonicalNumbersMatchGoPercentGPlusDotZero() {
        assertThat(OpenMetricsFormat.canonicalNumber("0")).isEqualTo("0.0");
        assertThat(OpenMetricsFormat.canonicalNumber("0.001")).isEqualTo("0.001");
        assertThat(OpenMetricsFormat.canonicalNumber("0.0001")).isEqualTo("0.0001");
        assertThat(OpenMetricsFormat.canonicalNumber("0.00001")).isEqualTo("1e-05");
        assertThat(OpenMetricsFormat.canonicalNumber("10")).isEqualTo("10.0");
        assertThat(OpenMetricsFormat.canonicalNumber("123456")).isEqualTo("123456.0");
        assertThat(OpenMetricsFormat.canonicalNumber("1234567")).isEqualTo("1.234567e+06");
        assertThat(OpenMetricsFormat.canonicalNumber("-2.5")).isEqualTo("-2.5");
        assertThat(OpenMetricsFormat.canonicalNumber("1e-300")).isEqualTo("1e-300");
        assertThat(OpenMetricsFormat.canonicalNumber("-Inf")).isEqualTo("-Inf");
        assertThat(OpenMetricsFormat.canonicalNumber("abc")).isEqualTo("abc");
    }

    @Test
    void wholeExpositionEndsWithEofAndKeepsEveryTextSampleName() {
        List<MetricFamily> families = ExpositionFixtures.families();
        String om = new String(OpenMetricsFormat.render(families), StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        families.forEach(f -> TextFormat.write(text, f));
        assertThat(om).endsWith("\n# EOF\n").doesNotContain("\r").doesNotContain("\n\n");
        List<String> omSamples = om.lines().filter(l -> !l.startsWith("#")).toList();
        List<String> textSamples = text.toString()
                .lines()
                .filter(l -> !l.startsWith("#"))
                .map(l -> l.replace("le=\"1\"", "le=\"1.0\"")
                        .replace("le=\"10\"", "le=\"10.0\"")
                        .replace("le=\"100000\"", "le=\"100000.0\"")
                        .replace("le=\"1000000\"", "le=\"1e+06\""))
                .toList();
        assertThat(omSamples).isEqualTo(textSamples);
    }

    @Test
    void skipsFamiliesWithoutSamples() {
        assertThat(om(new MetricFamily("x_total", "h", MetricType.COUNTER, List.of())))
                .isEmpty();
    }
}
