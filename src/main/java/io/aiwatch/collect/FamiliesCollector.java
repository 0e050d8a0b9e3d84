package io.aiwatch.collect;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** {@link Collector#of}: publishes a supplier's families. */
record FamiliesCollector(String name, Duration interval, Supplier<List<MetricFamily>> families) implements Collector {
    FamiliesCollector {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(families, "families");
    }

    @Override
    public Snapshot collect() {
        return Snapshot.of(families.get());
    }
}
