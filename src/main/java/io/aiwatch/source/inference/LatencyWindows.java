package io.aiwatch.source.inference;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Windowed quantiles of scraped cumulative histograms, for readers that cannot run PromQL (the
 * alert evaluator, OTLP). Per series it keeps a ring of timestamped cumulative bucket snapshots;
 * a window's quantile is {@code histogram_quantile}'s linear interpolation over the bucket
 * increase inside the window, summed pairwise so that a counter reset (vLLM restart) counts the
 * new values from zero instead of producing negative increases.
 */
final class LatencyWindows {
    static final double[] QUANTILES = {0.5, 0.95, 0.99};
    static final Map<String, Duration> WINDOWS = windows();
    private static final Duration LONGEST = Duration.ofMinutes(5);
    private static final int MAX_POINTS = 4096;

    private record Key(String family, Labels labels) {}

    private record Point(Instant at, double[] cumulative) {}

    private static final class Ring {
        final double[] bounds;
        final ArrayDeque<Point> points = new ArrayDeque<>();

        Ring(double[] bounds) {
            this.bounds = bounds;
        }
    }

    private final Map<Key, Ring> rings = new HashMap<>();
    private final Map<Key, Boolean> seen = new HashMap<>();

    private static Map<String, Duration> windows() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("1m", Duration.ofMinutes(1));
        m.put("5m", Duration.ofMinutes(5));
        return m;
    }

    /**
     * Adds one scrape of one series.
     *
     * @param bounds     finite and infinite upper bounds, ascending, last one +Inf
     * @param cumulative cumulative bucket counts, same length
     */
    void record(String family, Labels series, double[] bounds, double[] cumulative, Instant at) {
        Key key = new Key(family, series);
        seen.put(key, Boolean.TRUE);
        Ring ring = rings.get(key);
        if (ring == null || !Arrays.equals(ring.bounds, bounds)) {
            ring = new Ring(bounds.clone()); // new or re-bucketed series: history no longer comparable
            rings.put(key, ring);
        }
        Point last = ring.points.peekLast();
        if (last != null && !at.isAfter(last.at())) {
            return;
        }
        ring.points.addLast(new Point(at, cumulative.clone()));
        Instant cutoff = at.minus(LONGEST);
        while (ring.points.size() > MAX_POINTS) {
            ring.points.removeFirst();
        }
        while (ring.points.size() >= 2 && !second(ring.points).at().isAfter(cutoff)) {
            ring.points.removeFirst();
        }
    }

    /** Forgets series that were not recorded since the last call (gone from the target). */
    void endScrape() {
        rings.keySet().removeIf(k -> !seen.containsKey(k));
        seen.clear();
    }

    private static Point second(ArrayDeque<Point> points) {
        Iterator<Point> it = points.iterator();
        it.next();
        return it.next();
    }

    /** {@code <family minus _seconds>_window_seconds{..., quantile, window}} gauges at {@code now}. */
    List<MetricFamily> families(Instant now, Map<String, String> helpByFamily) {
        Map<String, MetricFamily.Builder> out = new LinkedHashMap<>();
        for (Map.Entry<Key, Ring> e : rings.entrySet()) {
            String family = e.getKey().family();
            String name = family.replaceFirst("_seconds$", "") + "_window_seconds";
            MetricFamily.Builder b = out.computeIfAbsent(
                    name,
                    n -> MetricFamily.builder(
                            n,
                            MetricType.GAUGE,
                            "Quantile of " + helpByFamily.getOrDefault(family, family) + " over the trailing window, "
                                    + "from bucket increases (linear interpolation); absent without observations in the window."));
            for (Map.Entry<String, Duration> w : WINDOWS.entrySet()) {
                double[] increase = increase(e.getValue(), now.minus(w.getValue()));
                if (increase == null || increase[increase.length - 1] <= 0) {
                    continue;
                }
                for (double q : QUANTILES) {
                    double v = quantile(q, e.getValue().bounds, increase);
                    if (!Double.isNaN(v)) {
                        b.add(
                                e.getKey()
                                        .labels()
                                        .and("quantile", Double.toString(q))
                                        .and("window", w.getKey()),
                                v);
                    }
                }
            }
        }
        List<MetricFamily> result = new ArrayList<>();
        for (MetricFamily.Builder b : out.values()) {
            if (!b.isEmpty()) {
                result.add(b.build());
            }
        }
        return result;
    }

    /** Bucket increases from the last point at or before {@code from} (else the oldest) to the newest. */
    static double[] increase(Ring ring, Instant from) {
        List<Point> points = new ArrayList<>(ring.points);
        if (points.size() < 2) {
            return null;
        }
        int start = 0;
        for (int i = 0; i < points.size(); i++) {
            if (!points.get(i).at().isAfter(from)) {
                start = i;
            }
        }
        int n = ring.bounds.length;
        double[] total = new double[n];
        for (int i = start + 1; i < points.size(); i++) {
            double[] a = points.get(i - 1).cumulative();
            double[] b = points.get(i).cumulative();
            boolean reset = false;
            for (int k = 0; k < n; k++) {
                reset |= b[k] < a[k];
            }
            for (int k = 0; k < n; k++) {
                total[k] += reset ? b[k] : b[k] - a[k];
            }
        }
        return start == points.size() - 1 ? null : total;
    }

    /** Prometheus {@code histogram_quantile} over cumulative counts; NaN when undefined. */
    static double quantile(double q, double[] bounds, double[] cumulative) {
        int n = bounds.length;
        if (n < 2 || bounds[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        double total = cumulative[n - 1];
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = q * total;
        int i = 0;
        while (i < n - 1 && cumulative[i] < rank) {
            i++;
        }
        if (i == n - 1) {
            return bounds[n - 2];
        }
        if (i == 0 && bounds[0] <= 0) {
            return bounds[0];
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        double below = i == 0 ? 0 : cumulative[i - 1];
        double inBucket = cumulative[i] - below;
        if (inBucket <= 0) {
            return bounds[i];
        }
        return lower + (bounds[i] - lower) * ((rank - below) / inBucket);
    }
}
