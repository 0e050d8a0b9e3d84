package io.aiwatch.reader.exposition;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;

/**
 * Writes families in the Prometheus text exposition format 0.0.4.
 *
 * <p>Unlike dcgm-exporter, label values and help text are escaped, so a model name or container
 * name with a quote or newline cannot break the exposition.
 */
public final class TextFormat {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private TextFormat() {}

    public static void write(StringBuilder out, MetricFamily family) {
        if (family.samples().isEmpty()) {
            return;
        }
        out.append("# HELP ").append(family.name()).append(' ');
        escapeHelp(out, family.help());
        out.append('\n');
        out.append("# TYPE ")
                .append(family.name())
                .append(' ')
                .append(family.type().textName())
                .append('\n');
        for (Sample s : family.samples()) {
            writeSample(out, s);
        }
    }

    public static void writeSample(StringBuilder out, Sample s) {
        out.append(s.name());
        ExpositionLabels.write(out, s.labels(), false);
        out.append(' ');
        appendValue(out, s.value());
        out.append('\n');
    }

    /** Integral values without a fraction (as dcgm-exporter's {@code %d}); others in shortest form. */
    public static void appendValue(StringBuilder out, double v) {
        if (Double.isNaN(v)) {
            out.append("NaN");
        } else if (Double.isInfinite(v)) {
            out.append(v > 0 ? "+Inf" : "-Inf");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(v);
        }
    }

    static void escapeHelp(StringBuilder out, String help) {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
