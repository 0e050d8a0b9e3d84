package io.aiwatch.collect;

import java.time.Instant;
import java.util.Objects;

/**
 * An OpenMetrics exemplar attached to one sample: a reference (typically {@code trace_id}) to one
 * observation that fell into the sample's bucket, with the observed value and when it was made.
 * Only the OpenMetrics writer shows it; text 0.0.4 has no exemplars. The one exemplar type: the
 * proxy and the load generator make them, the Prometheus text parser reads them.
 *
 * @param labels    the exemplar's labels; names and values together at most {@value #MAX_LABEL_CHARS}
 *                  UTF-8 characters, as the OpenMetrics spec requires
 * @param value     the observed value, in the family's unit
 * @param timestamp when it was observed, or null when unknown
 */
public record Exemplar(Labels labels, double value, Instant timestamp) {
    /** The OpenMetrics limit on an exemplar's label set, in characters (code points). */
    public static final int MAX_LABEL_CHARS = 128;

    public Exemplar {
        Objects.requireNonNull(labels, "labels");
        int chars = labelChars(labels);
        if (chars > MAX_LABEL_CHARS) {
            throw new IllegalArgumentException(
                    "exemplar labels have " + chars + " characters, more than " + MAX_LABEL_CHARS);
        }
    }

    /** Characters (code points) of the names and values of {@code labels}, as the limit counts them. */
    public static int labelChars(Labels labels) {
        int chars = 0;
        for (int i = 0; i < labels.size(); i++) {
            chars += labels.name(i).codePointCount(0, labels.name(i).length())
                    + labels.value(i).codePointCount(0, labels.value(i).length());
        }
        return chars;
    }

    /** An exemplar pointing at one trace. */
    public static Exemplar ofTrace(String traceId, double value, Instant timestamp) {
        return new Exemplar(Labels.of("trace_id", traceId), value, timestamp);
    }
}
