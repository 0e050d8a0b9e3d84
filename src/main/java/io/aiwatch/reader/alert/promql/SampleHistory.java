package io.aiwatch.reader.alert.promql;

import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's own recent samples, at the resolution its collectors publish them, for rule
 * evaluation. Bounded: at most {@code maxSeries} series (further ones are counted and ignored)
 * and, per series, samples no older than {@code retention} (and at most {@code maxSamplesPerSeries}).
 * Confined to one thread (the evaluation loop); the counters may be read from any thread.
 */
public final class SampleHistory {
    private final Retention retention;
    private final int maxSeries;
    private final int maxSamplesPerSeries;
    private final Map<Map<String, String>, Series> series = new HashMap<>();
    private final Map<String, List<Series>> byName = new HashMap<>();
    private final Map<String, Instant> ingested = new HashMap<>();
    private final Map<String, Set<Map<String, String>>> collectorSeries = new HashMap<>();
    private final Set<String> markedStale = new HashSet<>();
    private Map<String, String> targetLabels = Map.of();
    private final AtomicLong droppedSeries = new AtomicLong();
    private volatile int seriesCount;

    /**
     * How long samples of each metric are kept; a metric with no entry (and {@code others} null)
     * is not kept at all, so memory goes only to series some rule can select.
     *
     * @param byName retention per metric name
     * @param others retention of metrics not named, or null to keep none of them
     */
    public record Retention(Map<String, Duration> byName, Duration others) {
        public Retention {
            byName = Map.copyOf(byName);
        }

        /** Keep every series for {@code d}. */
        public static Retention all(Duration d) {
            return new Retention(Map.of(), d);
        }

        Duration of(String name) {
            return byName.getOrDefault(name, others);
        }

        /** The longest retention of any metric. */
        public Duration longest() {
            Duration max = others == null ? Duration.ZERO : others;
            for (Duration d : byName.values()) {
                max = d.compareTo(max) > 0 ? d : max;
            }
            return max;
        }
    }

    public SampleHistory(Duration retention, int maxSeries, int maxSamplesPerSeries) {
        this(Retention.all(retention), maxSeries, maxSamplesPerSeries);
    }

    /** @param maxSamplesPerSeries ring size per series; at 1 s resolution it should exceed the longest retention in seconds */
    public SampleHistory(Retention retention, int maxSeries, int maxSamplesPerSeries) {
        this.retention = retention;
        this.maxSeries = maxSeries;
        this.maxSamplesPerSeries = maxSamplesPerSeries;
    }

    public Retention retention() {
        return retention;
    }

    /** Samples that arrived for a new series while {@code maxSeries} were already kept. */
    public long droppedSeries() {
        return droppedSeries.get();
    }

    public int seriesCount() {
        return seriesCount;
    }

    /** Adds one sample; {@code labels} include {@code __name__}. A sample not newer than the series' last is ignored. */
    public void append(Map<String, String> labels, long timeMillis, double value) {
        Series s = series.get(labels);
        if (s == null) {
            if (retention.of(labels.getOrDefault("__name__", "")) == null) {
                return;
            }
            if (series.size() >= maxSeries) {
                droppedSeries.incrementAndGet();
                return;
            }
            s = new Series(labels, maxSamplesPerSeries);
            series.put(s.labels(), s);
            byName.computeIfAbsent(labels.getOrDefault("__name__", ""), k -> new ArrayList<>())
                    .add(s);
            seriesCount = series.size();
        }
        s.append(timeMillis, value);
    }

    /**
     * Labels added to every ingested sample that lacks them, as Prometheus adds its target labels
     * ({@code instance}, {@code job}) on scrape, so that rules aggregating by them give the same result.
     */
    public void targetLabels(Map<String, String> labels) {
        this.targetLabels = Map.copyOf(labels);
    }

    /**
     * Copies every collector's snapshot that is newer than the last one copied, stamped with its
     * collection time. A series that a collector stops publishing, or all of a collector's series
     * once its snapshot goes stale, get a staleness marker, as Prometheus does for a scrape.
     */
    public void ingest(SnapshotStore store, Instant now) {
        for (CollectorState state : store.states()) {
            String name = state.name();
            if (state.last() != null && !state.last().takenAt().equals(ingested.get(name))) {
                Instant at = state.last().takenAt();
                ingested.put(name, at);
                markedStale.remove(name);
                long t = at.toEpochMilli();
                Set<Map<String, String>> seen = new HashSet<>();
                for (MetricFamily f : state.last().snapshot().families()) {
                    for (Sample s : f.samples()) {
                        Map<String, String> labels = labelsOf(s.name(), s.labels());
                        targetLabels.forEach(labels::putIfAbsent);
                        seen.add(labels);
                        append(labels, t, s.value());
                    }
                }
                Set<Map<String, String>> before = collectorSeries.put(name, seen);
                if (before != null) {
                    for (Map<String, String> gone : before) {
                        if (!seen.contains(gone)) {
                            append(gone, t, Series.STALE_NAN);
                        }
                    }
                }
            } else if (state.last() != null && !state.isFresh(now) && markedStale.add(name)) {
                for (Map<String, String> l : collectorSeries.getOrDefault(name, Set.of())) {
                    append(l, now.toEpochMilli(), Series.STALE_NAN);
                }
            }
        }
        trim(now);
    }

    /** Drops samples older than the retention and series left without samples. */
    public void trim(Instant now) {
        var it = series.values().iterator();
        while (it.hasNext()) {
            Series s = it.next();
            Duration keep = retention.of(s.labels().getOrDefault("__name__", ""));
            s.trim(now.minus(keep == null ? Duration.ZERO : keep).toEpochMilli());
            if (s.size() == 0) {
                it.remove();
                byName.get(s.labels().getOrDefault("__name__", "")).remove(s);
            }
        }
        seriesCount = series.size();
    }

    /** Series whose labels satisfy every matcher. */
    public List<Series> select(List<Expr.Matcher> matchers) {
        Collection candidates = candidates(matchers);
        List<Series> out = new ArrayList<>();
        for (Series s : candidates.list) {
            boolean ok = true;
            for (Expr.Matcher m : matchers) {
                if (!m.matches(s.labels().get(m.label()))) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                out.add(s);
            }
        }
        return out;
    }

    private record Collection(java.util.Collection<Series> list) {}

    private Collection candidates(List<Expr.Matcher> matchers) {
        for (Expr.Matcher m : matchers) {
            if (m.label().equals("__name__") && m.type() == Expr.MatchType.EQ) {
                return new Collection(byName.getOrDefault(m.value(), List.of()));
            }
        }
        return new Collection(series.values());
    }

    static Map<String, String> labelsOf(String name, Labels labels) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.value(i).isEmpty()) {
                m.put(labels.name(i), labels.value(i));
            }
        }
        m.put("__name__", name);
        return m;
    }
}
