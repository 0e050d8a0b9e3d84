package io.aiwatch.collect;

import java.util.Objects;

/**
 * Names one kind of {@link Snapshot} detail and its type, so that a reader asks the store for
 * "the GPUs' processes" by a constant, not by a collector's name, and gets that type back without
 * a cast. Keys compare by identity: declare each once, as a constant beside its type.
 *
 * @param <T> the detail's type (an immutable value)
 */
public final class DetailKey<T> {
    private final String name;
    private final Class<T> type;

    private DetailKey(String name, Class<T> type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    /** A new key; {@code name} is for messages only. */
    public static <T> DetailKey<T> of(String name, Class<T> type) {
        return new DetailKey<>(name, type);
    }

    public String name() {
        return name;
    }

    /** {@code value} as this key's type; fails when it is of another type. */
    T cast(Object value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return "DetailKey[" + name + ": " + type.getSimpleName() + "]";
    }
}
