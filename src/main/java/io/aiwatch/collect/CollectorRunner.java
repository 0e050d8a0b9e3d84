package io.aiwatch.collect;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each collector on its own daemon thread at its own interval and publishes the results
 * into the {@link SnapshotStore}. A slow or hung collector delays only itself: the next run
 * of that collector starts when the current one returns (fixed delay from the planned start,
 * never overlapping), and readers keep seeing its last snapshot with its growing age.
 */
public final class CollectorRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CollectorRunner.class.getName());

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final SnapshotStore store;
    private final Clock clock;
    private final List<ScheduledExecutorService> executors = new ArrayList<>();
    private final List<Collector> collectors = new ArrayList<>();

    public CollectorRunner(SnapshotStore store) {
        this.store = store;
        this.clock = store.clock();
    }

    /** Registers the collector in the store and starts its schedule immediately. */
    public void start(Collector collector) {
        store.register(collector.name(), collector.interval(), collector.staleAfter());
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "collector-" + collector.name());
            t.setDaemon(true);
            return t;
        });
        executors.add(executor);
        collectors.add(collector);
        executor.scheduleAtFixedRate(
                () -> runOnce(collector), 0, collector.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One collection, with its outcome recorded in the store. Public for tests that drive time. */
    public void runOnce(Collector collector) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        store.markRunning(collector.name(), started);
        try {
            Snapshot snapshot = collector.collect();
            store.publish(
                    collector.name(),
                    snapshot,
                    clock.instant(),
                    System.nanoTime() - t0,
                    THREADS.getCurrentThreadCpuTime() - cpu0);
        } catch (Throwable e) {
            // Throwable on purpose: an Error escaping a scheduled task would silently cancel the schedule.
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            store.fail(
                    collector.name(),
                    message,
                    clock.instant(),
                    System.nanoTime() - t0,
                    THREADS.getCurrentThreadCpuTime() - cpu0);
            LOG.log(Level.FINE, "collector " + collector.name() + " failed", e);
        }
    }

    @Override
    public void close() {
        for (ScheduledExecutorService e : executors) {
            e.shutdownNow();
        }
        for (Collector c : collectors) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing collector " + c.name(), e);
            }
        }
    }
}
