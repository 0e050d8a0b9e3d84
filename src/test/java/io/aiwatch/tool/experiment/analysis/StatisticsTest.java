package io.aiwatch.tool.experiment.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The statistics against values computed independently (SciPy 1.17 for the t distribution). */
class StatisticsTest {

    @Test
    void studentTQuantilesMatchScipy() {
        assertThat(StudentT.quantile(0.975, 1)).isCloseTo(12.706204736174694, within(1e-8));
        assertThat(StudentT.quantile(0.975, 2)).isCloseTo(4.302652729749462, within(1e-9));
        assertThat(StudentT.quantile(0.975, 5)).isCloseTo(2.5705818356363146, within(1e-9));
        assertThat(StudentT.quantile(0.975, 10)).isCloseTo(2.228138851986274, within(1e-9));
        assertThat(StudentT.quantile(0.975, 30)).isCloseTo(2.0422724563012378, within(1e-9));
        assertThat(StudentT.cdf(1.5, 3.5)).isCloseTo(0.8910909064923275, within(1e-9));
    }

    @Test
    void summaryGivesMeanMedianSampleSdCvAndTInterval() {
        Summary s = Summary.of(List.of(10.0, 12.0, 14.0));
        assertThat(s.mean()).isEqualTo(12.0);
        assertThat(s.median()).isEqualTo(12.0);
        assertThat(s.sd()).isCloseTo(2.0, within(1e-12));
        assertThat(s.cv()).isCloseTo(2.0 / 12, within(1e-12));
        double half = 4.302652729749462 * 2 / Math.sqrt(3);
        assertThat(s.ciLow()).isCloseTo(12 - half, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(12 + half, within(1e-9));
        Summary one = Summary.of(List.of(5.0));
        assertThat(one.mean()).isEqualTo(5.0);
        assertThat(one.ciLow()).isNaN();
        assertThat(Summary.of(List.of(1.0, 2.0, 3.0, 10.0)).median()).isEqualTo(2.5);
    }

    @Test
    void welchMatchesTheTextbookExample() {
        // Welch's t-test, example 1 of its Wikipedia article: t = -2.46, df = 24.99, p = 0.021
        Summary a = Summary.of(
                List.of(27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4));
        Summary b = Summary.of(
                List.of(27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4));
        Summary.Difference d = Summary.welch(a, b);
        assertThat(d.df()).isCloseTo(24.98852929023142, within(1e-9));
        assertThat(d.p()).isCloseTo(0.02137800146286698, within(1e-9));
        double se = d.difference() / -2.455356398286006;
        assertThat(d.ciHigh() - d.difference()).isCloseTo(2.0595864913656254 * se, within(1e-9));
        assertThat(d.significant()).isTrue();
        assertThat(Summary.welch(a, a).significant()).isFalse();
    }

    @Test
    void exactBootstrapEnumeratesEveryResampleWithItsMultinomialWeight() {
        assertThat(Pooled.resampleCounts(3)).hasSize(10); // C(5, 3)
        assertThat(Pooled.resampleCounts(6)).hasSize(462); // C(11, 6)
        double total =
                Pooled.resampleCounts(4).stream().mapToDouble(Pooled::weight).sum();
        assertThat(total).isCloseTo(1.0, within(1e-12));
        assertThat(Pooled.weight(new int[] {3, 0, 0})).isCloseTo(1 / 27.0, within(1e-15));
        assertThat(Pooled.weight(new int[] {1, 1, 1})).isCloseTo(6 / 27.0, within(1e-15));
    }

    @Test
    void pooledPercentilesComeFromAddedHistogramsNotFromAveragedPercentiles() {
        Histogram fast = new Histogram(3);
        Histogram slow = new Histogram(3);
        for (int i = 1; i <= 99; i++) {
            fast.recordValue(1_000_000L * i); // 1..99 ms
        }
        for (int i = 0; i < 99; i++) {
            slow.recordValue(1_000_000_000L); // 1 s
        }
        Map<String, Pooled> p = Pooled.of(List.of(Map.of("ttft", fast), Map.of("ttft", slow)));
        Histogram all = new Histogram(3);
        all.add(fast);
        all.add(slow);
        assertThat(p.get("p50_ttft_ms").value()).isEqualTo(all.getValueAtPercentile(50) / 1e6);
        double averaged = (fast.getValueAtPercentile(50) + slow.getValueAtPercentile(50)) / 2e6;
        assertThat(p.get("p50_ttft_ms").value()).isNotCloseTo(averaged, within(1.0));
        // resampling whole iterations: the interval runs from "both fast" to "both slow"
        assertThat(p.get("p50_ttft_ms").ciLow()).isEqualTo(fast.getValueAtPercentile(50) / 1e6);
        assertThat(p.get("p50_ttft_ms").ciHigh()).isEqualTo(slow.getValueAtPercentile(50) / 1e6);
        assertThat(p.get("count_ttft").value()).isEqualTo(198);
    }

    @Test
    void numbersPrintWithSensiblePrecision() {
        assertThat(Format.number(1234.567)).isEqualTo("1235");
        assertThat(Format.number(12.3456)).isEqualTo("12.35");
        assertThat(Format.number(0.5)).isEqualTo("0.5");
        assertThat(Format.number(0.000012)).isEqualTo("1.20e-05");
        assertThat(Format.unit("p99_ttft_ms")).isEqualTo("ms");
        assertThat(Format.unit("request_throughput")).isEqualTo("req/s");
        assertThat(Format.unit("output_throughput")).isEqualTo("tok/s");
    }
}
