package io.aiwatch.source.gpu;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends a {@link SeriesAttribution}'s labels to every GPU series: a series whose GPU (or MIG
 * instance) is used is extended, or repeated once per user when several share it; every other
 * series stays as it is. Series are recognised by their {@code gpu} and {@code GPU_I_ID} labels.
 */
final class AttributedSeries {

    private AttributedSeries() {}

    static List<MetricFamily> apply(List<MetricFamily> families, SeriesAttribution attribution) {
        if (attribution == SeriesAttribution.NONE) {
            return families;
        }
        Map<SeriesAttribution.Key, List<Labels>> answers = new HashMap<>();
        List<MetricFamily> out = new ArrayList<>(families.size());
        for (MetricFamily f : families) {
            List<Sample> samples = new ArrayList<>(f.samples().size());
            for (Sample s : f.samples()) {
                SeriesAttribution.Key key = key(s.labels());
                List<Labels> extra = key == null ? List.of() : answers.computeIfAbsent(key, attribution::labels);
                if (extra.isEmpty()) {
                    samples.add(s);
                }
                for (Labels e : extra) {
                    samples.add(new Sample(s.name(), s.labels().and(e), s.value(), s.exemplar()));
                }
            }
            out.add(new MetricFamily(f.name(), f.help(), f.type(), samples));
        }
        return out;
    }

    private static SeriesAttribution.Key key(Labels labels) {
        String gpu = labels.get("gpu");
        if (gpu == null) {
            return null;
        }
        String gi = labels.get("GPU_I_ID");
        return new SeriesAttribution.Key(
                Integer.parseInt(gpu),
                labels.get("UUID"),
                labels.get("device"),
                gi == null ? -1 : Integer.parseInt(gi));
    }
}
