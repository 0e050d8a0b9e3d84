package io.aiwatch.collect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket histogram with Prometheus semantics: cumulative {@code le} buckets (a value equal
 * to a bound counts in that bound's bucket) plus {@code +Inf}, {@code _sum} and {@code _count}, and
 * optionally the latest {@link Exemplar} per bucket for the OpenMetrics output.
 *
 * <p>Thread-safe and lock-free: {@link #observe} is one {@link LongAdder} increment, one
 * {@link DoubleAdder} add and, for an exemplar, one reference store, so request threads never wait
 * on a scrape. A snapshot taken while observations run sees each bucket at some recent value;
 * {@code _count} is always the {@code +Inf} bucket of the same snapshot, {@code _sum} may lag or
 * lead it by the observations in flight.
 */
public final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final AtomicReferenceArray<Exemplar> exemplars;

    /** @param bounds the upper bounds of the finite buckets, strictly increasing, in the family's unit */
    public Histogram(double... bounds) {
        double[] b = bounds.clone();
        for (int i = 1; i < b.length; i++) {
            if (!(b[i] > b[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase: " + Arrays.toString(bounds));
            }
        }
        this.bounds = b;
        this.counts = new LongAdder[b.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
        this.exemplars = new AtomicReferenceArray<>(b.length + 1);
    }

    public void observe(double v) {
        counts[bucket(v)].increment();
        sum.add(v);
    }

    /** Observes {@code v} and makes {@code e} (null: none) the latest exemplar of its bucket. */
    public void observe(double v, Exemplar e) {
        int i = bucket(v);
        counts[i].increment();
        sum.add(v);
        if (e != null) {
            exemplars.set(i, e);
        }
    }

    /** Index of the first bound {@code >= v}; {@code bounds.length} is {@code +Inf}. */
    private int bucket(double v) {
        int i = Arrays.binarySearch(bounds, v);
        return i >= 0 ? i : -i - 1;
    }

    /** Observations so far. */
    public long count() {
        long n = 0;
        for (LongAdder c : counts) {
            n += c.sum();
        }
        return n;
    }

    /** Sum of the observed values, in the family's unit. */
    public double sum() {
        return sum.sum();
    }

    /**
     * Appends one series in the standard order: {@code name_bucket} per bound and {@code +Inf}
     * (each with its bucket's exemplar, if any), then {@code name_sum}, then {@code name_count}.
     * {@code before}/{@code after} are the series labels written before and after {@code le}.
     */
    public void addTo(List<Sample> out, String name, Labels before, Labels after) {
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += counts[i].sum();
            String le = i < bounds.length ? Double.toString(bounds[i]) : "+Inf";
            out.add(new Sample(name + "_bucket", before.and("le", le).and(after), cumulative, exemplars.get(i)));
        }
        Labels series = before.and(after);
        out.add(new Sample(name + "_sum", series, sum.sum()));
        out.add(new Sample(name + "_count", series, cumulative));
    }

    /** A histogram family holding this one series, {@code le} last among its labels. */
    public MetricFamily family(String name, String help, Labels labels) {
        List<Sample> samples = new ArrayList<>(bounds.length + 3);
        addTo(samples, name, labels, Labels.EMPTY);
        return new MetricFamily(name, help, MetricType.HISTOGRAM, samples);
    }

    /** vLLM's {@code build_1_2_5_buckets(max)}: 1, 2, 5, 10, 20, 50, ... while {@code <= max}. */
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
