package io.aiwatch.source.storage;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Just enough of a text-format 0.0.4 reader to compare node_exporter's output with ours. */
final class PromText {
    /** Sample name → (labels sorted by name, rendered) → value. */
    final Map<String, Map<String, Double>> series = new HashMap<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int end = line.lastIndexOf('}');
                parseLabels(line.substring(brace + 1, end), labels);
            } else {
                name = line.substring(0, space);
            }
            p.series
                    .computeIfAbsent(name, k -> new TreeMap<>())
                    .put(labels.toString(), Double.parseDouble(line.substring(space + 1)));
        }
        return p;
    }

    /** Ours, from families, in the same shape. */
    static PromText of(List<MetricFamily> families) {
        PromText p = new PromText();
        for (MetricFamily f : families) {
            for (Sample s : f.samples()) {
                p.series.computeIfAbsent(s.name(), k -> new TreeMap<>()).put(key(s.labels()), s.value());
            }
        }
        return p;
    }

    Map<String, Double> get(String name) {
        return series.getOrDefault(name, Map.of());
    }

    static String key(Labels l) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < l.size(); i++) {
            m.put(l.name(i), l.value(i));
        }
        return m.toString();
    }

    private static void parseLabels(String s, Map<String, String> out) {
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            String name = s.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2; // skip ="
            while (s.charAt(j) != '"') {
                char c = s.charAt(j);
                if (c == '\\') {
                    char n = s.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
                j++;
            }
            if (!name.equals("device_error")) { // node_exporter 1.8+ puts the statfs error text in a label
                out.put(name, v.toString());
            }
            i = j + 1;
            while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
                i++;
            }
        }
    }
}
