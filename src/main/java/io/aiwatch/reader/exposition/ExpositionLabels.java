package io.aiwatch.reader.exposition;

import io.aiwatch.collect.Labels;

/**
 * The label set {@code {name="value",...}} as both text formats write it, for samples and
 * OpenMetrics exemplars alike: values escape backslash, double quote and newline (0.0.4 and
 * OpenMetrics agree there; dcgm-exporter escapes nothing). Nothing is written for no labels.
 */
final class ExpositionLabels {
    private ExpositionLabels() {}

    /**
     * @param canonicalBounds write {@code le} and {@code quantile} values as OpenMetrics' canonical
     *                        numbers ({@code 1.0}, {@code 1e+06}); false keeps them as stored
     */
    static void write(StringBuilder out, Labels labels, boolean canonicalBounds) {
        if (labels.size() == 0) {
            return;
        }
        out.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String name = labels.name(i);
            String value = labels.value(i);
            if (canonicalBounds && (name.equals("le") || name.equals("quantile"))) {
                value = OpenMetricsFormat.canonicalNumber(value);
            }
            out.append(name).append("=\"");
            escape(out, value);
            out.append('"');
        }
        out.append('}');
    }

    /** A label value (and OpenMetrics HELP text): backslash, double quote and newline escaped. */
    static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
