package io.aiwatch.reader.alert.promql;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One element of an instant vector: a label set (with {@code __name__} unless an operation
 * dropped it) and a value.
 */
public record Element(SortedMap<String, String> labels, double value) {
    public Element {
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    static Element of(Map<String, String> labels, double value) {
        return new Element(labels instanceof SortedMap<String, String> s ? s : new TreeMap<>(labels), value);
    }

    /** The same element without its metric name. */
    Element withoutName() {
        if (!labels.containsKey("__name__")) {
            return this;
        }
        TreeMap<String, String> m = new TreeMap<>(labels);
        m.remove("__name__");
        return new Element(m, value);
    }

    Element withValue(double v) {
        return new Element(labels, v);
    }
}
