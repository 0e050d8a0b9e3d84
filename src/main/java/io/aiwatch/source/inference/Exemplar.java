package io.aiwatch.source.inference;

import io.aiwatch.collect.Labels;

/**
 * An OpenMetrics exemplar: {@code # {trace_id="..."} 1.0 1.6e9} after a bucket or counter sample.
 *
 * @param labels           the exemplar's labels (at most 128 UTF-8 characters together)
 * @param value            the observed value, in the family's unit
 * @param timestampSeconds Unix time in seconds, or NaN when absent
 */
public record Exemplar(Labels labels, double value, double timestampSeconds) {
    public boolean hasTimestamp() {
        return !Double.isNaN(timestampSeconds);
    }
}
