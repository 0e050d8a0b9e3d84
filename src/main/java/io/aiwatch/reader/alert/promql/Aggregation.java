package io.aiwatch.reader.alert.promql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** sum/avg/min/max/count by/without, with Prometheus 2.x arithmetic (incremental mean for avg, NaN-replacing min/max). */
final class Aggregation {
    private Aggregation() {}

    private static final class Group {
        final TreeMap<String, String> labels;
        double value;
        double mean;
        long count = 1;

        Group(TreeMap<String, String> labels, double v) {
            this.labels = labels;
            this.value = v;
            this.mean = v;
        }
    }

    static List<Element> apply(Expr.Aggregate a, List<Element> in) {
        Map<Map<String, String>, Group> groups = new LinkedHashMap<>();
        for (Element el : in) {
            TreeMap<String, String> key = new TreeMap<>();
            if (a.without()) {
                key.putAll(el.labels());
                key.remove("__name__");
                a.labels().forEach(key::remove);
            } else {
                for (String name : a.labels()) {
                    String v = el.labels().get(name);
                    if (v != null) {
                        key.put(name, v);
                    }
                }
            }
            Group g = groups.get(key);
            if (g == null) {
                groups.put(key, new Group(key, el.value()));
                continue;
            }
            double v = el.value();
            switch (a.op()) {
                case SUM -> g.value += v;
                case COUNT -> g.count++;
                case MAX -> {
                    if (g.value < v || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case MIN -> {
                    if (g.value > v || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case AVG -> {
                    g.count++;
                    if (Double.isInfinite(g.mean)) {
                        if (Double.isInfinite(v) && (g.mean > 0) == (v > 0)) {
                            break;
                        }
                        if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                            break;
                        }
                    }
                    g.mean += v / g.count - g.mean / g.count;
                }
                default -> throw new IllegalStateException();
            }
        }
        List<Element> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            double v = switch (a.op()) {
                case AVG -> g.mean;
                case COUNT -> g.count;
                default -> g.value;
            };
            out.add(new Element(g.labels, v));
        }
        return out;
    }
}
