package io.aiwatch.collect;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The immutable result of one collection: the families to expose and, for readers that need
 * more than numbers (the status page, a collector following the GPUs' processes), one typed
 * detail under a {@link DetailKey}.
 *
 * @param families families to expose, in emission order
 * @param detail   collector-specific immutable value with its key, or null
 */
public record Snapshot(List<MetricFamily> families, Detail<?> detail) {
    public Snapshot {
        families = List.copyOf(families);
    }

    /** Families only. */
    public static Snapshot of(List<MetricFamily> families) {
        return new Snapshot(families, null);
    }

    /** Families and a detail that readers find by {@code key}. */
    public static <T> Snapshot of(List<MetricFamily> families, DetailKey<T> key, T value) {
        return new Snapshot(families, new Detail<>(key, value));
    }

    /** The detail under {@code key}, or null when this snapshot carries none or another. */
    public <T> T detail(DetailKey<T> key) {
        return detail != null && detail.key() == key ? key.cast(detail.value()) : null;
    }

    /**
     * A detail and the key it is filed under.
     *
     * @param key   what it is
     * @param value the immutable value
     */
    public record Detail<T>(DetailKey<T> key, T value) {
        public Detail {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A snapshot with a timestamp, as kept by the store. */
    public record Timed(Snapshot snapshot, Instant takenAt) {
        public Timed {
            Objects.requireNonNull(snapshot);
            Objects.requireNonNull(takenAt);
        }
    }
}
