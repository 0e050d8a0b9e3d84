package io.aiwatch.collect;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.function.UnaryOperator;

/**
 * The only state shared between collectors and readers: per collector, the latest good snapshot
 * and how its runs went. Writers replace whole immutable {@link CollectorState} values; readers
 * never block and never see a half-written snapshot.
 */
public final class SnapshotStore {
    private final Clock clock;
    private final Map<String, CollectorState> states = new ConcurrentHashMap<>();
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Advances once per finished run of any collector; see {@link #runs()}. */
    private final Phaser runs = new Phaser(1);

    public SnapshotStore(Clock clock) {
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Declares a collector so that readiness counts it even before its first snapshot. */
    public void register(String name, Duration interval, Duration staleAfter) {
        if (states.putIfAbsent(name, CollectorState.registered(name, interval, staleAfter)) == null) {
            order.add(name);
        }
    }

    /** Records a collector that could not start at all; it stays listed, down, with the reason. */
    public void registerDisabled(String name, Duration interval, String reason) {
        register(name, interval, interval.multipliedBy(3));
        update(
                name,
                s -> new CollectorState(
                        s.name(),
                        s.interval(),
                        s.staleAfter(),
                        false,
                        s.last(),
                        reason,
                        clock.instant(),
                        s.runs(),
                        s.failures(),
                        s.lastDurationNanos(),
                        s.cpuNanos(),
                        null));
    }

    void markRunning(String name, Instant since) {
        update(
                name,
                s -> new CollectorState(
                        s.name(),
                        s.interval(),
                        s.staleAfter(),
                        s.enabled(),
                        s.last(),
                        s.lastError(),
                        s.lastErrorAt(),
                        s.runs(),
                        s.failures(),
                        s.lastDurationNanos(),
                        s.cpuNanos(),
                        since));
    }

    /** Stores a successful run's snapshot. */
    public void publish(String name, Snapshot snapshot, Instant takenAt, long durationNanos, long cpuNanos) {
        update(
                name,
                s -> new CollectorState(
                        s.name(),
                        s.interval(),
                        s.staleAfter(),
                        true,
                        new Snapshot.Timed(snapshot, takenAt),
                        s.lastError(),
                        s.lastErrorAt(),
                        s.runs() + 1,
                        s.failures(),
                        durationNanos,
                        s.cpuNanos() + cpuNanos,
                        null));
    }

    /** Records a failed run; the previous snapshot is kept. */
    public void fail(String name, String error, Instant at, long durationNanos, long cpuNanos) {
        update(
                name,
                s -> new CollectorState(
                        s.name(),
                        s.interval(),
                        s.staleAfter(),
                        s.enabled(),
                        s.last(),
                        error,
                        at,
                        s.runs() + 1,
                        s.failures() + 1,
                        durationNanos,
                        s.cpuNanos() + cpuNanos,
                        null));
    }

    private void update(String name, UnaryOperator<CollectorState> change) {
        CollectorState result = states.computeIfPresent(name, (k, s) -> change.apply(s));
        if (result == null) {
            throw new IllegalStateException("collector not registered: " + name);
        }
        // One party: two collectors arriving at once would overrun it, so arrivals are serialised.
        synchronized (runs) {
            runs.arrive();
        }
    }

    /**
     * A phaser whose phase advances each time a collector's run is recorded (published or failed):
     * whoever waits for something the readers will show (a test, a readiness wait) waits on it
     * instead of sleeping and polling.
     */
    public Phaser runs() {
        return runs;
    }

    /** The state of one collector, or null when unknown. */
    public CollectorState state(String name) {
        return states.get(name);
    }

    /**
     * The details filed under {@code key} in the collectors' last good snapshots (fresh or not),
     * in registration order: one per collector that publishes such a detail.
     */
    public <T> List<T> details(DetailKey<T> key) {
        List<T> out = new ArrayList<>(1);
        for (CollectorState s : states()) {
            T value = s.last() == null ? null : s.last().snapshot().detail(key);
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    /** The first of {@link #details}, or null when no collector has published one. */
    public <T> T detail(DetailKey<T> key) {
        List<T> all = details(key);
        return all.isEmpty() ? null : all.get(0);
    }

    /** All collector states in registration order. */
    public List<CollectorState> states() {
        List<CollectorState> result = new ArrayList<>(order.size());
        for (String name : order) {
            result.add(states.get(name));
        }
        return result;
    }
}
