package io.aiwatch.tool.vllmsim;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import java.util.Arrays;

/**
 * A thread-safe fixed-bucket histogram (Prometheus semantics: cumulative {@code le} buckets plus
 * {@code +Inf}, {@code _sum}, {@code _count}). Observations are cheap: one short lock per call.
 */
public final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    public Histogram(double... bounds) {
        double[] b = bounds.clone();
        for (int i = 1; i < b.length; i++) {
            if (!(b[i] > b[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase: " + Arrays.toString(bounds));
            }
        }
        this.bounds = b;
        this.counts = new long[b.length + 1];
    }

    public void observe(double v) {
        int i = Arrays.binarySearch(bounds, v);
        int idx = i >= 0 ? i : -i - 1; // first bound >= v (le is inclusive)
        synchronized (this) {
            counts[idx]++;
            sum += v;
            count++;
        }
    }

    public synchronized long count() {
        return count;
    }

    public synchronized double sum() {
        return sum;
    }

    /**
     * Appends {@code name_bucket}, {@code name_count} and {@code name_sum} samples (prometheus_client
     * order). {@code before}/{@code after} are the labels sorted before and after {@code le}.
     */
    public void addTo(MetricFamily.Builder b, String name, Labels before, Labels after) {
        long[] c;
        double s;
        long n;
        synchronized (this) {
            c = counts.clone();
            s = sum;
            n = count;
        }
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += c[i];
            String le = i < bounds.length ? Double.toString(bounds[i]) : "+Inf";
            b.addSample(name + "_bucket", before.and("le", le).and(after), cumulative);
        }
        b.addSample(name + "_count", before.and(after), n);
        b.addSample(name + "_sum", before.and(after), s);
    }

    /** vLLM's {@code build_1_2_5_buckets(max)}: 1, 2, 5, 10, 20, 50, ... while <= max. */
    public static double[] oneTwoFive(int max) {
        double[] out = new double[64];
        int n = 0;
        long exp = 1;
        while (true) {
            for (int m : new int[] {1, 2, 5}) {
                long v = m * exp;
                if (v > max) {
                    return Arrays.copyOf(out, n);
                }
                out[n++] = v;
            }
            exp *= 10;
        }
    }
}
