package io.aiwatch.tool.proxy;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.aiwatch.tool.vllmsim.Histogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A {@link Histogram} that also keeps the latest exemplar per bucket (the trace id of a recent
 * request whose value fell in that bucket), for the OpenMetrics output. One reference store per
 * traced observation; untraced observations cost what a plain histogram costs.
 */
final class TracedHistogram {
    private final double[] bounds;
    private final Histogram counts;
    private final AtomicReferenceArray<Exemplar> exemplars;

    TracedHistogram(double[] bounds) {
        this.bounds = bounds.clone();
        this.counts = new Histogram(bounds);
        this.exemplars = new AtomicReferenceArray<>(bounds.length + 1);
    }

    void observe(double v) {
        counts.observe(v);
    }

    /** Observes {@code v} and makes {@code e} (null: none) its bucket's exemplar. */
    void observe(double v, Exemplar e) {
        counts.observe(v);
        if (e != null) {
            int i = Arrays.binarySearch(bounds, v);
            exemplars.set(i >= 0 ? i : -i - 1, e); // first bound >= v, as Histogram counts it
        }
    }

    long count() {
        return counts.count();
    }

    /** The {@code _bucket} (with exemplars), {@code _count} and {@code _sum} samples of one series. */
    void addTo(List<Sample> out, String name, Labels labels) {
        MetricFamily.Builder b = MetricFamily.builder(name, MetricType.HISTOGRAM, "");
        counts.addTo(b, name, labels, Labels.EMPTY);
        List<Sample> plain = b.build().samples();
        for (int i = 0; i < plain.size(); i++) {
            Sample s = plain.get(i);
            Exemplar e = i <= bounds.length ? exemplars.get(i) : null;
            out.add(e == null ? s : new Sample(s.name(), s.labels(), s.value(), e));
        }
    }

    /** Exemplars held now, one per bucket at most; for tests. */
    List<Exemplar> exemplars() {
        List<Exemplar> out = new ArrayList<>();
        for (int i = 0; i < exemplars.length(); i++) {
            if (exemplars.get(i) != null) {
                out.add(exemplars.get(i));
            }
        }
        return out;
    }
}
