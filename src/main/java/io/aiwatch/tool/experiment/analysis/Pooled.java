package io.aiwatch.tool.experiment.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * A statistic of a step's pooled distribution (all its iterations' histograms added), with a 95 %
 * bootstrap interval over iterations: whole iterations are resampled with replacement and the
 * statistic recomputed from the resample's added histograms; the interval is the 2.5th to 97.5th
 * percentile of those values. With up to {@value #EXACT_MAX} iterations every distinct resample is
 * enumerated with its multinomial weight (exact bootstrap); beyond, 1,000 seeded resamples. One
 * iteration gives no interval.
 *
 * @param value  the statistic of the pooled distribution
 * @param ciLow  lower end of the interval (NaN with one iteration)
 * @param ciHigh upper end
 */
public record Pooled(
        @JsonProperty("value") double value,
        @JsonProperty("ci95_low") double ciLow,
        @JsonProperty("ci95_high") double ciHigh) {

    static final int EXACT_MAX = 6;
    static final double[] PERCENTILES = {50, 90, 95, 99};

    /** Pooled percentiles (ms), mean (ms), max (ms) and count of each metric over the iterations' histograms (ns). */
    static Map<String, Pooled> of(List<Map<String, Histogram>> iterations) {
        TreeSet<String> metrics = new TreeSet<>();
        iterations.forEach(m -> metrics.addAll(m.keySet()));
        Map<String, Pooled> out = new LinkedHashMap<>();
        for (String metric : metrics) {
            List<Histogram> hs = new ArrayList<>();
            for (Map<String, Histogram> m : iterations) {
                hs.add(m.getOrDefault(metric, empty()));
            }
            List<double[]> resamples = new ArrayList<>(); // {weight, stats...}
            for (int[] counts : resampleCounts(hs.size())) {
                Histogram merged = empty();
                for (int i = 0; i < counts.length; i++) {
                    for (int c = 0; c < counts[i]; c++) {
                        merged.add(hs.get(i));
                    }
                }
                resamples.add(stats(merged, weight(counts)));
            }
            Histogram all = empty();
            hs.forEach(all::add);
            double[] point = stats(all, 1);
            String[] names = names(metric);
            for (int k = 0; k < names.length; k++) {
                double lo = Double.NaN;
                double hi = Double.NaN;
                if (hs.size() >= 2 && !Double.isNaN(point[k + 1])) {
                    lo = weightedQuantile(resamples, k + 1, 0.025);
                    hi = weightedQuantile(resamples, k + 1, 0.975);
                }
                if (!Double.isNaN(point[k + 1])) {
                    out.put(names[k], new Pooled(point[k + 1], lo, hi));
                }
            }
            out.put("count_" + metric, new Pooled(all.getTotalCount(), Double.NaN, Double.NaN));
        }
        return out;
    }

    static String[] names(String metric) {
        String[] n = new String[PERCENTILES.length + 2];
        for (int i = 0; i < PERCENTILES.length; i++) {
            n[i] = "p" + (long) PERCENTILES[i] + "_" + metric + "_ms";
        }
        n[PERCENTILES.length] = "mean_" + metric + "_ms";
        n[PERCENTILES.length + 1] = "max_" + metric + "_ms";
        return n;
    }

    /** {weight, p50, p90, p95, p99, mean, max} in ms; NaN when empty. */
    private static double[] stats(Histogram h, double weight) {
        double[] s = new double[PERCENTILES.length + 3];
        s[0] = weight;
        boolean empty = h.getTotalCount() == 0;
        for (int i = 0; i < PERCENTILES.length; i++) {
            s[i + 1] = empty ? Double.NaN : h.getValueAtPercentile(PERCENTILES[i]) / 1e6;
        }
        s[PERCENTILES.length + 1] = empty ? Double.NaN : h.getMean() / 1e6;
        s[PERCENTILES.length + 2] = empty ? Double.NaN : h.getMaxValue() / 1e6;
        return s;
    }

    private static Histogram empty() {
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        return h;
    }

    /** Every multiset of n iterations drawn from n (exact), or 1,000 seeded random draws. */
    static List<int[]> resampleCounts(int n) {
        List<int[]> out = new ArrayList<>();
        if (n == 0) {
            return out;
        }
        if (n <= EXACT_MAX) {
            compositions(n, n, 0, new int[n], out);
            return out;
        }
        SplittableRandom r = new SplittableRandom(20261207L);
        for (int b = 0; b < 1000; b++) {
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                c[r.nextInt(n)]++;
            }
            out.add(c);
        }
        return out;
    }

    private static void compositions(int left, int n, int pos, int[] cur, List<int[]> out) {
        if (pos == n - 1) {
            cur[pos] = left;
            out.add(cur.clone());
            return;
        }
        for (int c = 0; c <= left; c++) {
            cur[pos] = c;
            compositions(left - c, n, pos + 1, cur, out);
        }
    }

    /** Multinomial probability n!/(∏ c_i!) / n^n of a resample (1 for random draws: each counts once). */
    static double weight(int[] counts) {
        int n = counts.length;
        if (n > EXACT_MAX) {
            return 1;
        }
        double w = factorial(n) / Math.pow(n, n);
        for (int c : counts) {
            w /= factorial(c);
        }
        return w;
    }

    private static double factorial(int k) {
        double f = 1;
        for (int i = 2; i <= k; i++) {
            f *= i;
        }
        return f;
    }

    /** The q-quantile of column {@code col} under the rows' weights (inverse of the weighted CDF). */
    static double weightedQuantile(List<double[]> rows, int col, double q) {
        List<double[]> s = new ArrayList<>();
        double total = 0;
        for (double[] r : rows) {
            if (!Double.isNaN(r[col])) {
                s.add(new double[] {r[col], r[0]});
                total += r[0];
            }
        }
        if (s.isEmpty()) {
            return Double.NaN;
        }
        s.sort((a, b) -> Double.compare(a[0], b[0]));
        double acc = 0;
        for (double[] v : s) {
            acc += v[1];
            if (acc >= q * total - 1e-12) {
                return v[0];
            }
        }
        return s.get(s.size() - 1)[0];
    }
}
