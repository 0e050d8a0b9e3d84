package io.aiwatch.tool.loadgen.result;

import java.util.Arrays;

/** numpy-compatible statistics over exact values (vllm bench serve uses numpy). */
public final class Percentiles {
    private Percentiles() {}

    /** numpy.percentile(values, p) with linear interpolation; values must be sorted; 0 when empty. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double idx = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(idx);
        int hi = (int) Math.ceil(idx);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
    }

    public static double mean(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Population standard deviation (numpy's default ddof=0). */
    public static double std(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    public static double[] sorted(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c;
    }

    /** The key suffix vLLM uses: 99 -> "p99", 99.9 -> "p99.9". */
    public static String key(double p) {
        return p == Math.rint(p) ? "p" + (long) p : "p" + p;
    }
}
