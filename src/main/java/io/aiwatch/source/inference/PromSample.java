package io.aiwatch.source.inference;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.collect.Labels;

/**
 * One parsed sample line.
 *
 * @param name            full sample name as written ({@code x_bucket}, {@code x_total}, ...)
 * @param labels          labels in the order written, values unescaped
 * @param value           the value; NaN and ±Inf allowed
 * @param timestampMillis explicit timestamp in Unix milliseconds (OpenMetrics seconds are
 *                        converted), or {@link #NO_TIMESTAMP}
 * @param exemplar        OpenMetrics exemplar, or null
 */
public record PromSample(String name, Labels labels, double value, long timestampMillis, Exemplar exemplar) {
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public boolean hasTimestamp() {
        return timestampMillis != NO_TIMESTAMP;
    }
}
