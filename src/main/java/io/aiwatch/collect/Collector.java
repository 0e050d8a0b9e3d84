package io.aiwatch.collect;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Owns one source (NVML, /proc/diskstats, a vLLM endpoint, ...) and turns it into snapshots.
 *
 * <p>{@link #collect()} runs on the collector's own thread, on its own schedule, driven by
 * {@link CollectorRunner}. It may block (NVML calls can hang): nobody else waits for it. An
 * exception marks this run failed; the previous snapshot stays in the store, marked stale once
 * it is older than {@link #staleAfter()}.
 */
public interface Collector extends AutoCloseable {

    /** Short stable name, used as the {@code collector} label value: {@code gpu}, {@code storage}. */
    String name();

    /** Time between the starts of two collections. */
    Duration interval();

    /** Age beyond which the last snapshot counts as stale; three intervals by default. */
    default Duration staleAfter() {
        return interval().multipliedBy(3).plusSeconds(1);
    }

    /** Collects once. Must not keep references to mutable state in the returned snapshot. */
    Snapshot collect() throws Exception;

    @Override
    default void close() throws Exception {}

    /**
     * A collector over a component's own counters (the HTTP layer's, the alert evaluator's, the
     * OTLP exporter's): every {@code interval} it publishes what {@code families} returns, so those
     * reach /metrics and OTLP through the store like every other family. {@code families} must be
     * cheap and must not block (it reads counters).
     */
    static Collector of(String name, Duration interval, Supplier<List<MetricFamily>> families) {
        return new FamiliesCollector(name, interval, families);
    }
}
