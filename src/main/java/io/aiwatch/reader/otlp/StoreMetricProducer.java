package io.aiwatch.reader.otlp;

import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.CollectorSelfMetrics;
import io.aiwatch.reader.otlp.Rule.Kind;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The OTLP peer of the /metrics handler: reads the {@link SnapshotStore} (never a collector) and
 * turns the fresh snapshots into OpenTelemetry {@link MetricData} through {@link SemanticMapping}.
 * Like /metrics it leaves out stale snapshots; points carry the time their snapshot was taken.
 * Holds nothing between calls but one start time per live series ({@link SeriesStarts}).
 */
public final class StoreMetricProducer implements MetricProducer {
    private static final Logger LOG = Logger.getLogger(StoreMetricProducer.class.getName());
    /** Semantic-conventions version the names follow (hw.gpu.* since 1.37; GenAI as of 1.40). */
    static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.40.0";

    private final SnapshotStore store;
    private final InstrumentationScopeInfo scope;
    private final SeriesStarts starts = new SeriesStarts();
    private final java.util.Set<String> failedFamilies = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param version aiwatch's version, for the instrumentation scope */
    public StoreMetricProducer(SnapshotStore store, String version) {
        this.store = store;
        this.scope = InstrumentationScopeInfo.builder("io.aiwatch")
                .setVersion(version)
                .setSchemaUrl(SCHEMA_URL)
                .build();
    }

    @Override
    public Collection<MetricData> produce(Resource resource) {
        Instant now = store.now();
        List<CollectorState> states = store.states();
        MetricAssembler out = new MetricAssembler(resource, scope, starts);
        for (CollectorState s : states) {
            if (s.last() != null && s.isFresh(now)) {
                List<MetricFamily> families = s.last().snapshot().families();
                long time = nanos(s.last().takenAt());
                families.forEach(f -> map(f, time, out));
                DerivedMetrics.add(families, time, out);
            }
        }
        long time = nanos(now);
        CollectorSelfMetrics.families(states, now).forEach(f -> map(f, time, out));
        starts.endCycle();
        return out.build();
    }

    /** Series whose start time is remembered (bounded by what the store holds now). */
    public int trackedSeries() {
        return starts.size();
    }

    private void map(MetricFamily family, long time, MetricAssembler out) {
        Rule rule = SemanticMapping.ruleFor(family);
        if (rule == null) {
            return;
        }
        try {
            if (rule.kind() == Kind.HISTOGRAM) {
                histogram(family, rule, time, out);
            } else {
                for (Sample s : family.samples()) {
                    out.add(rule, family.help(), s.labels(), time, s.value());
                }
            }
        } catch (RuntimeException e) {
            // One malformed family must not stop the export of the others; say so once per family.
            if (failedFamilies.add(family.name())) {
                LOG.warning("OTLP: family " + family.name() + " could not be mapped and is left out: " + e);
            }
        }
    }

    private static final class Hist {
        final TreeMap<Double, Double> cumulative = new TreeMap<>();
        double sum = Double.NaN;
        double count = Double.NaN;
    }

    private static void histogram(MetricFamily family, Rule rule, long time, MetricAssembler out) {
        String name = family.name();
        Map<Labels, Hist> series = new LinkedHashMap<>();
        for (Sample s : family.samples()) {
            String suffix = s.name().startsWith(name) ? s.name().substring(name.length()) : "";
            Labels key = suffix.equals("_bucket") ? without(s.labels(), "le") : s.labels();
            Hist h = series.computeIfAbsent(key, k -> new Hist());
            switch (suffix) {
                case "_bucket" -> {
                    String le = s.labels().get("le");
                    if (le != null) {
                        h.cumulative.put(
                                le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value());
                    }
                }
                case "_sum" -> h.sum = s.value();
                case "_count" -> h.count = s.value();
                default -> {}
            }
        }
        for (Map.Entry<Labels, Hist> e : series.entrySet()) {
            Hist h = e.getValue();
            double count =
                    !Double.isNaN(h.count) ? h.count : h.cumulative.getOrDefault(Double.POSITIVE_INFINITY, Double.NaN);
            if (Double.isNaN(count)) {
                continue;
            }
            List<Double> bounds = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            double previous = 0;
            for (Map.Entry<Double, Double> b : h.cumulative.entrySet()) {
                if (b.getKey() == Double.POSITIVE_INFINITY) {
                    break;
                }
                bounds.add(b.getKey());
                counts.add(Math.max(0, Math.round(b.getValue() - previous)));
                previous = Math.max(previous, b.getValue());
            }
            counts.add(Math.max(0, Math.round(count - previous)));
            out.addHistogram(
                    rule,
                    family.help(),
                    e.getKey(),
                    time,
                    Double.isNaN(h.sum) ? 0 : h.sum,
                    Math.round(count),
                    bounds,
                    counts);
        }
    }

    private static Labels without(Labels labels, String name) {
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            if (!labels.name(i).equals(name)) {
                kv.add(labels.name(i));
                kv.add(labels.value(i));
            }
        }
        return Labels.of(kv.toArray(String[]::new));
    }

    private static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }
}
