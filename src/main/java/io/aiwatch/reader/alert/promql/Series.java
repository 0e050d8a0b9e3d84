package io.aiwatch.reader.alert.promql;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The samples of one series, oldest first, in a ring buffer that grows up to a cap and then
 * overwrites its oldest sample. Timestamps are epoch milliseconds and must not go backwards.
 * Not thread-safe: {@link SampleHistory} confines it to the evaluation thread.
 */
public final class Series {
    /** Prometheus' staleness marker: a NaN with a distinct bit pattern, never a real reading. */
    public static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

    private final SortedMap<String, String> labels;
    private final int cap;
    private long[] times;
    private double[] values;
    private int head;
    private int size;

    Series(Map<String, String> labels, int cap) {
        this.labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        this.cap = Math.max(2, cap);
        this.times = new long[Math.min(16, this.cap)];
        this.values = new double[times.length];
    }

    public static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == 0x7ff0000000000002L;
    }

    /** Labels including {@code __name__}, sorted by name. */
    public SortedMap<String, String> labels() {
        return labels;
    }

    public int size() {
        return size;
    }

    public long time(int i) {
        return times[(head + i) % times.length];
    }

    public double value(int i) {
        return values[(head + i) % values.length];
    }

    /** Appends a sample; one at or before the newest is ignored (returns false). */
    boolean append(long t, double v) {
        if (size > 0 && t <= time(size - 1)) {
            return false;
        }
        if (size == times.length && times.length < cap) {
            grow();
        }
        if (size == times.length) {
            times[head] = t;
            values[head] = v;
            head = (head + 1) % times.length;
        } else {
            int at = (head + size) % times.length;
            times[at] = t;
            values[at] = v;
            size++;
        }
        return true;
    }

    private void grow() {
        int n = Math.min(cap, times.length * 2);
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < size; i++) {
            t[i] = time(i);
            v[i] = value(i);
        }
        times = t;
        values = v;
        head = 0;
    }

    /** Drops samples older than {@code minTime}. */
    void trim(long minTime) {
        while (size > 0 && time(0) < minTime) {
            head = (head + 1) % times.length;
            size--;
        }
    }

    /** Index of the newest sample at or before {@code t}, or -1. */
    int indexAtOrBefore(long t) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (time(mid) <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Index of the oldest sample at or after {@code t} (may be {@link #size()}). */
    int indexAtOrAfter(long t) {
        int i = indexAtOrBefore(t);
        if (i >= 0 && time(i) == t) {
            return i;
        }
        return i + 1;
    }
}
