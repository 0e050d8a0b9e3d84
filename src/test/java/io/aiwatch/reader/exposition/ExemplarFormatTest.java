package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exemplars on histogram buckets: written by OpenMetrics, never by text 0.0.4. */
class ExemplarFormatTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** A histogram with an exemplar on its 0.25 bucket and a stray one on _count (which must not be written). */
    static MetricFamily histogram() {
        Labels l = Labels.of("model", "m");
        Exemplar e = Exemplar.ofTrace(TRACE, 0.213, Instant.ofEpochMilli(1_764_201_600_123L));
        return new MetricFamily(
                "x_seconds",
                "Latency.",
                MetricType.HISTOGRAM,
                List.of(
                        new Sample("x_seconds_bucket", l.and("le", "0.1"), 3),
                        new Sample("x_seconds_bucket", l.and("le", "0.25"), 17, e),
                        new Sample(
                                "x_seconds_bucket",
                                l.and("le", "+Inf"),
                                18,
                                new Exemplar(Labels.of("trace_id", TRACE, "span_id", "00f067aa0ba902b7"), 7, null)),
                        new Sample("x_seconds_count", l, 18, e),
                        new Sample("x_seconds_sum", l, 9.5)));
    }

    @Test
    void openMetricsWritesTheExemplarAfterTheBucketValue() {
        StringBuilder sb = new StringBuilder();
        OpenMetricsFormat.write(sb, histogram());
        assertThat(sb.toString()).isEqualTo("""
                # TYPE x_seconds histogram
                # HELP x_seconds Latency.
                x_seconds_bucket{model="m",le="0.1"} 3
                x_seconds_bucket{model="m",le="0.25"} 17 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.213 1764201600.123
                x_seconds_bucket{model="m",le="+Inf"} 18 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 7
                x_seconds_count{model="m"} 18
                x_seconds_sum{model="m"} 9.5
                """);
    }

    @Test
    void text004NeverShowsExemplars() {
        StringBuilder sb = new StringBuilder();
        TextFormat.write(sb, histogram());
        assertThat(sb.toString())
                .doesNotContain(" # {")
                .doesNotContain("trace_id")
                .contains("x_seconds_bucket{model=\"m\",le=\"0.25\"} 17\n");
    }

    @Test
    void timestampsKeepMillisecondsAndLeadingZeros() {
        StringBuilder sb = new StringBuilder();
        OpenMetricsFormat.write(
                sb,
                new MetricFamily(
                        "y",
                        "",
                        MetricType.HISTOGRAM,
                        List.of(new Sample(
                                "y_bucket",
                                Labels.of("le", "+Inf"),
                                1,
                                Exemplar.ofTrace("a", 1.5, Instant.ofEpochMilli(1_700_000_000_007L))))));
        assertThat(sb.toString()).contains("y_bucket{le=\"+Inf\"} 1 # {trace_id=\"a\"} 1.5 1700000000.007\n");
    }

    @Test
    void labelSetsOver128CharactersAreRefusedAndSamplesWithoutExemplarStayEqual() {
        assertThatThrownBy(() -> new Exemplar(Labels.of("trace_id", "x".repeat(121)), 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("128");
        assertThat(new Exemplar(Labels.of("trace_id", "é".repeat(120)), 1, null)
                        .labels()
                        .size())
                .isEqualTo(1); // 128 code points
        assertThat(new Sample("a", Labels.EMPTY, 1)).isEqualTo(new Sample("a", Labels.EMPTY, 1, null));
    }
}
