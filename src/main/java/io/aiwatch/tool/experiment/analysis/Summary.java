package io.aiwatch.tool.experiment.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * A metric across the iterations of one step: how large and how sure. The confidence interval is
 * Student's t interval of the mean, mean ± t(0.975, n−1)·SD/√n, with the sample SD (n−1); with
 * one iteration there is no interval (NaN).
 *
 * @param n       iterations that measured it
 * @param mean    arithmetic mean
 * @param median  median
 * @param sd      sample standard deviation (n−1)
 * @param cv      coefficient of variation, SD / |mean|
 * @param ciLow   lower end of the 95 % confidence interval of the mean
 * @param ciHigh  upper end
 * @param values  the per-iteration values, in iteration order
 */
public record Summary(
        @JsonProperty("n") int n,
        @JsonProperty("mean") double mean,
        @JsonProperty("median") double median,
        @JsonProperty("sd") double sd,
        @JsonProperty("cv") double cv,
        @JsonProperty("ci95_low") double ciLow,
        @JsonProperty("ci95_high") double ciHigh,
        @JsonProperty("values") List<Double> values) {

    public static Summary of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        int n = v.length;
        if (n == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
        }
        double mean = Arrays.stream(v).sum() / n;
        double[] s = v.clone();
        Arrays.sort(s);
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        double sd = Double.NaN;
        double lo = Double.NaN;
        double hi = Double.NaN;
        if (n >= 2) {
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            sd = Math.sqrt(ss / (n - 1));
            double half = StudentT.quantile(0.975, n - 1) * sd / Math.sqrt(n);
            lo = mean - half;
            hi = mean + half;
        }
        double cv = n >= 2 && mean != 0 ? sd / Math.abs(mean) : Double.NaN;
        return new Summary(n, mean, median, sd, cv, lo, hi, List.copyOf(values));
    }

    /**
     * Welch's test of the difference of means {@code a − b}: the difference, its 95 % confidence
     * interval (Welch–Satterthwaite degrees of freedom) and the two-sided p-value. NaN when
     * either side has fewer than two values.
     */
    public static Difference welch(Summary a, Summary b) {
        if (a.n < 2 || b.n < 2) {
            return new Difference(a.mean - b.mean, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double va = a.sd * a.sd / a.n;
        double vb = b.sd * b.sd / b.n;
        double se = Math.sqrt(va + vb);
        double d = a.mean - b.mean;
        if (se == 0) {
            return new Difference(d, d, d, Double.POSITIVE_INFINITY, d == 0 ? 1 : 0);
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
        double half = StudentT.quantile(0.975, df) * se;
        return new Difference(d, d - half, d + half, df, StudentT.twoSidedP(d / se, df));
    }

    /** a − b with its 95 % interval, Welch degrees of freedom and two-sided p. */
    public record Difference(
            @JsonProperty("difference") double difference,
            @JsonProperty("ci95_low") double ciLow,
            @JsonProperty("ci95_high") double ciHigh,
            @JsonProperty("df") double df,
            @JsonProperty("p") double p) {
        /** Whether the interval excludes zero: the difference is larger than the noise. */
        public boolean significant() {
            return !Double.isNaN(ciLow) && (ciLow > 0 || ciHigh < 0);
        }
    }
}
