package io.aiwatch.collect;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The immutable result of one collection: the families to expose and, for readers that need
 * more than numbers (the status page, the alert evaluator), a typed detail object.
 *
 * @param families families to expose, in emission order
 * @param detail   collector-specific immutable value (for example the list of GPUs), or null
 */
public record Snapshot(List<MetricFamily> families, Object detail) {
    public Snapshot {
        families = List.copyOf(families);
    }

    public static Snapshot of(List<MetricFamily> families) {
        return new Snapshot(families, null);
    }

    /** The detail as {@code type}, or null when it is absent or of another type. */
    public <T> T detail(Class<T> type) {
        return type.isInstance(detail) ? type.cast(detail) : null;
    }

    /** A snapshot with a timestamp, as kept by the store. */
    public record Timed(Snapshot snapshot, Instant takenAt) {
        public Timed {
            Objects.requireNonNull(snapshot);
            Objects.requireNonNull(takenAt);
        }
    }
}
