package io.aiwatch.tool.cuda.bench;

import java.util.Arrays;

/** Timed repetitions in seconds, with order statistics (nearest-rank percentiles). */
public record Samples(double[] seconds) {
    public Samples {
        if (seconds.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        seconds = seconds.clone();
    }

    /** The p-th percentile (0 < p <= 100), nearest rank. */
    public double percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        double[] s = seconds.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, rank - 1)];
    }

    public double median() {
        return percentile(50);
    }

    public double mean() {
        return Arrays.stream(seconds).average().orElseThrow();
    }

    public int count() {
        return seconds.length;
    }
}
