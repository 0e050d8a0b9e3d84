package io.aiwatch.reader.otlp;

import io.opentelemetry.api.common.Attributes;
import java.util.HashMap;
import java.util.Map;

/**
 * A stable start time per exported series, which cumulative points need. A series starts when the
 * exporter first sees it (its first point has start == time, as the OTel Collector's Prometheus
 * receiver does for counters whose origin is unknown) and restarts when a cumulative value goes
 * down (the source reset). Series absent from a whole export cycle are forgotten, so the map holds
 * only the current series: memory follows what the store holds now, not history.
 */
final class SeriesStarts {
    private record Key(String metric, Attributes attributes) {}

    private static final class Entry {
        long start;
        long lastTime;
        double last;
        long cycle;
    }

    private final Map<Key, Entry> entries = new HashMap<>();
    private long cycle;

    /**
     * The start time for a point of {@code metric} at {@code time} (epoch nanos).
     *
     * @param cumulative the value a reset would make go down (the sum, the histogram count); NaN for gauges
     */
    synchronized long start(String metric, Attributes attributes, long time, double cumulative) {
        Entry e = entries.computeIfAbsent(new Key(metric, attributes), k -> {
            Entry n = new Entry();
            n.start = time;
            n.lastTime = time;
            n.last = cumulative;
            return n;
        });
        if (!Double.isNaN(cumulative) && !Double.isNaN(e.last) && cumulative < e.last) {
            e.start = e.lastTime; // reset somewhere after the previous point
        }
        if (time < e.start) {
            e.start = time;
        }
        e.last = cumulative;
        e.lastTime = time;
        e.cycle = cycle;
        return e.start;
    }

    /** Ends an export cycle: forgets series not seen in it. */
    synchronized void endCycle() {
        long current = cycle;
        entries.values().removeIf(e -> e.cycle != current);
        cycle++;
    }

    /** Series currently tracked. */
    synchronized int size() {
        return entries.size();
    }
}
