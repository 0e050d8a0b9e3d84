package io.aiwatch.source.inference;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one parsed vLLM exposition into {@code aiwatch_inference_*} families labelled
 * {@code target, model[, engine]}, whatever vLLM version wrote it. Series that differ only in
 * other labels (for example the {@code priority} label of recent vLLM) are summed. Histograms
 * keep vLLM's bucket bounds exactly as scraped ({@code le} strings unchanged).
 */
final class VllmNormalizer {
    /** Distinct model/engine series kept per family and target; more are dropped (label bound). */
    static final int MAX_SERIES_PER_FAMILY = 64;

    private static final int MAX_LABEL_CHARS = 128;

    private final String target;
    private final boolean[] ok = new boolean[1];

    VllmNormalizer(String target) {
        this.target = target;
    }

    private static final class Hist {
        final TreeMap<Double, String> le = new TreeMap<>();
        final Map<Double, Double> buckets = new HashMap<>();
        double sum;
        double count = Double.NaN;
    }

    /** Output families (in {@link VllmNames#TARGETS} order) and feeds windowed histograms into {@code windows}. */
    List<MetricFamily> normalize(List<PromFamily> parsed, LatencyWindows windows, Instant at) {
        Map<String, PromFamily> byBase = new HashMap<>();
        for (PromFamily f : parsed) {
            String base = VllmNames.baseName(f);
            if (base != null) {
                byBase.putIfAbsent(base, f);
            }
        }
        List<MetricFamily> out = new ArrayList<>();
        for (VllmNames.Target t : VllmNames.TARGETS) {
            PromFamily source = null;
            for (String name : t.sources()) {
                source = byBase.get(name);
                if (source != null) {
                    break;
                }
            }
            if (source == null) {
                continue;
            }
            MetricFamily family =
                    t.type() == MetricType.HISTOGRAM ? histogram(t, source, windows, at) : scalar(t, source);
            if (family != null && !family.samples().isEmpty()) {
                out.add(family);
            }
        }
        windows.endScrape();
        return out;
    }

    private Labels seriesLabels(Labels source, boolean withReason) {
        String model = source.get("model_name");
        Labels l = Labels.of("target", target, "model", bounded(model == null ? "" : model));
        String engine = source.get("engine");
        if (engine != null) {
            l = l.and("engine", bounded(engine));
        }
        if (withReason) {
            String reason = source.get(VllmNames.FINISHED_REASON);
            l = l.and(VllmNames.FINISHED_REASON, bounded(reason == null ? "" : reason));
        }
        return l;
    }

    private static String bounded(String v) {
        return v.length() <= MAX_LABEL_CHARS ? v : v.substring(0, MAX_LABEL_CHARS);
    }

    private MetricFamily scalar(VllmNames.Target t, PromFamily source) {
        boolean withReason = t.family().equals("aiwatch_inference_requests_finished_total");
        Map<Labels, Double> sums = new LinkedHashMap<>();
        for (PromSample s : source.samples()) {
            boolean valueSample = s.name().equals(source.name()) || s.name().equals(source.name() + "_total");
            if (!valueSample || Double.isNaN(s.value())) {
                continue;
            }
            Labels key = seriesLabels(s.labels(), withReason);
            if (sums.containsKey(key) || sums.size() < MAX_SERIES_PER_FAMILY) {
                sums.merge(key, s.value(), Double::sum);
            }
        }
        MetricFamily.Builder b = MetricFamily.builder(t.family(), t.type(), t.help());
        sums.forEach(b::add);
        return b.build();
    }

    private MetricFamily histogram(VllmNames.Target t, PromFamily source, LatencyWindows windows, Instant at) {
        if (source.type() != PromType.HISTOGRAM) {
            return null;
        }
        Map<Labels, Hist> series = new LinkedHashMap<>();
        for (PromSample s : source.samples()) {
            String suffix = s.name().substring(source.name().length());
            Labels key = seriesLabels(s.labels(), false);
            Hist h = series.get(key);
            if (h == null) {
                if (series.size() >= MAX_SERIES_PER_FAMILY) {
                    continue;
                }
                h = new Hist();
                series.put(key, h);
            }
            switch (suffix) {
                case "_bucket" -> {
                    String le = s.labels().get("le");
                    double bound = PromNumbers.parseFloat(le, 0, le.length(), ok);
                    if (!ok[0] || Double.isNaN(bound)) {
                        continue;
                    }
                    h.le.putIfAbsent(bound, le);
                    h.buckets.merge(bound, s.value(), Double::sum);
                }
                case "_sum" -> h.sum += s.value();
                case "_count" -> h.count = Double.isNaN(h.count) ? s.value() : h.count + s.value();
                default -> {}
            }
        }
        MetricFamily.Builder b = MetricFamily.builder(t.family(), MetricType.HISTOGRAM, t.help());
        for (Map.Entry<Labels, Hist> e : series.entrySet()) {
            Hist h = e.getValue();
            if (!h.le.containsKey(Double.POSITIVE_INFINITY)) {
                if (Double.isNaN(h.count)) {
                    continue; // neither +Inf bucket nor _count: not a usable histogram
                }
                h.le.put(Double.POSITIVE_INFINITY, "+Inf");
                h.buckets.put(Double.POSITIVE_INFINITY, h.count);
            }
            double[] bounds = new double[h.le.size()];
            double[] cumulative = new double[bounds.length];
            int i = 0;
            for (Map.Entry<Double, String> le : h.le.entrySet()) {
                bounds[i] = le.getKey();
                cumulative[i] = h.buckets.get(le.getKey());
                b.addSample(t.family() + "_bucket", e.getKey().and("le", le.getValue()), cumulative[i]);
                i++;
            }
            b.addSample(t.family() + "_sum", e.getKey(), h.sum);
            b.addSample(t.family() + "_count", e.getKey(), Double.isNaN(h.count) ? cumulative[i - 1] : h.count);
            if (t.windowed()) {
                windows.record(t.family(), e.getKey(), bounds, cumulative, at);
            }
        }
        return b.build();
    }
}
