package io.aiwatch.source.jvm;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Micrometer's Prometheus registry holds its meters as client_java snapshots; this turns them into
 * our families with the names and samples Micrometer's own text writer gives them (counters
 * {@code x_total}, timers as summaries {@code x_count}/{@code x_sum} plus an {@code x_max} gauge),
 * so the JVM meters go through the store and our writers like any other family.
 */
final class MicrometerFamilies {
    private MicrometerFamilies() {}

    static List<MetricFamily> of(MetricSnapshots snapshots) {
        List<MetricFamily> out = new ArrayList<>(snapshots.size());
        for (MetricSnapshot m : snapshots) {
            MetricFamily f = family(m);
            if (f != null && !f.samples().isEmpty()) {
                out.add(f);
            }
        }
        return out;
    }

    /** One family, or null for a kind Micrometer's binders do not produce (state sets, native histograms). */
    private static MetricFamily family(MetricSnapshot m) {
        String name = m.getMetadata().getPrometheusName();
        String help = m.getMetadata().getHelp();
        List<Sample> samples = new ArrayList<>();
        if (m instanceof CounterSnapshot c) {
            for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                samples.add(new Sample(name + "_total", labels(p), p.getValue()));
            }
            return new MetricFamily(name + "_total", help, MetricType.COUNTER, samples);
        }
        if (m instanceof GaugeSnapshot g) {
            for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) {
                samples.add(new Sample(name, labels(p), p.getValue()));
            }
            return new MetricFamily(name, help, MetricType.GAUGE, samples);
        }
        if (m instanceof SummarySnapshot s) {
            for (SummarySnapshot.SummaryDataPointSnapshot p : s.getDataPoints()) {
                Labels l = labels(p);
                for (Quantile q : p.getQuantiles()) {
                    samples.add(new Sample(name, l.and("quantile", Double.toString(q.getQuantile())), q.getValue()));
                }
                if (p.hasCount()) {
                    samples.add(new Sample(name + "_count", l, p.getCount()));
                }
                if (p.hasSum()) {
                    samples.add(new Sample(name + "_sum", l, p.getSum()));
                }
            }
            return new MetricFamily(name, help, MetricType.SUMMARY, samples);
        }
        if (m instanceof HistogramSnapshot h) {
            for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
                if (!p.hasClassicHistogramData()) {
                    continue;
                }
                Labels l = labels(p);
                long cumulative = 0;
                for (ClassicHistogramBucket b : p.getClassicBuckets()) {
                    cumulative += b.getCount();
                    samples.add(new Sample(name + "_bucket", l.and("le", le(b.getUpperBound())), cumulative));
                }
                samples.add(new Sample(name + "_count", l, p.getCount()));
                if (p.hasSum()) {
                    samples.add(new Sample(name + "_sum", l, p.getSum()));
                }
            }
            return new MetricFamily(name, help, MetricType.HISTOGRAM, samples);
        }
        if (m instanceof InfoSnapshot i) {
            for (InfoSnapshot.InfoDataPointSnapshot p : i.getDataPoints()) {
                samples.add(new Sample(name + "_info", labels(p), 1));
            }
            return new MetricFamily(name + "_info", help, MetricType.GAUGE, samples);
        }
        if (m instanceof UnknownSnapshot u) {
            for (UnknownSnapshot.UnknownDataPointSnapshot p : u.getDataPoints()) {
                samples.add(new Sample(name, labels(p), p.getValue()));
            }
            return new MetricFamily(name, help, MetricType.UNKNOWN, samples);
        }
        return null;
    }

    private static Labels labels(DataPointSnapshot p) {
        io.prometheus.metrics.model.snapshots.Labels in = p.getLabels();
        String[] kv = new String[2 * in.size()];
        for (int i = 0; i < in.size(); i++) {
            kv[2 * i] = in.getPrometheusName(i);
            kv[2 * i + 1] = in.getValue(i);
        }
        return Labels.of(kv);
    }

    private static String le(double bound) {
        return bound == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(bound);
    }
}
