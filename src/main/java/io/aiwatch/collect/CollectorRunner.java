package io.aiwatch.collect;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each collector on its own daemon thread at its own interval and publishes the results
 * into the {@link SnapshotStore}. A slow or hung collector delays only itself: the next run
 * of that collector starts when the current one returns (fixed delay from the planned start,
 * never overlapping), and readers keep seeing its last snapshot with its growing age.
 *
 * <p>A {@linkplain #manual manual} runner schedules nothing: whoever holds it runs the collectors
 * ({@link #runAll}) at the store clock's time of its choosing, with its own stopwatches, so a
 * whole assembled daemon can be stepped by a test (the golden exposition of the simulated node).
 */
public final class CollectorRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CollectorRunner.class.getName());

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final SnapshotStore store;
    private final Clock clock;
    private final boolean scheduled;
    private final LongSupplier nanoTime;
    private final LongSupplier threadCpuNanos;
    private final List<ScheduledExecutorService> executors = new ArrayList<>();
    private final List<Collector> collectors = new ArrayList<>();

    /** Each collector on its own thread; run times measured with {@code System.nanoTime} and the thread's CPU time. */
    public CollectorRunner(SnapshotStore store) {
        this(store, true, System::nanoTime, THREADS::getCurrentThreadCpuTime);
    }

    private CollectorRunner(
            SnapshotStore store, boolean scheduled, LongSupplier nanoTime, LongSupplier threadCpuNanos) {
        this.store = store;
        this.clock = store.clock();
        this.scheduled = scheduled;
        this.nanoTime = nanoTime;
        this.threadCpuNanos = threadCpuNanos;
    }

    /**
     * A runner that only registers what it is given to {@link #start}; {@link #runAll} collects.
     *
     * @param nanoTime       stopwatch of a run's wall time, nanoseconds
     * @param threadCpuNanos stopwatch of a run's CPU time, nanoseconds
     */
    public static CollectorRunner manual(SnapshotStore store, LongSupplier nanoTime, LongSupplier threadCpuNanos) {
        return new CollectorRunner(store, false, nanoTime, threadCpuNanos);
    }

    /** Registers the collector in the store and (unless manual) starts its schedule immediately. */
    public void start(Collector collector) {
        store.register(collector.name(), collector.interval(), collector.staleAfter());
        collectors.add(collector);
        if (!scheduled) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "collector-" + collector.name());
            t.setDaemon(true);
            return t;
        });
        executors.add(executor);
        executor.scheduleAtFixedRate(
                () -> runOnce(collector), 0, collector.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs every started collector once, in start order, on the calling thread. */
    public void runAll() {
        for (Collector c : List.copyOf(collectors)) {
            runOnce(c);
        }
    }

    /** One collection, with its outcome recorded in the store. Public for tests that drive time. */
    public void runOnce(Collector collector) {
        Instant started = clock.instant();
        long t0 = nanoTime.getAsLong();
        long cpu0 = threadCpuNanos.getAsLong();
        store.markRunning(collector.name(), started);
        try {
            Snapshot snapshot = collector.collect();
            store.publish(
                    collector.name(),
                    snapshot,
                    clock.instant(),
                    nanoTime.getAsLong() - t0,
                    threadCpuNanos.getAsLong() - cpu0);
        } catch (Throwable e) {
            // Throwable on purpose: an Error escaping a scheduled task would silently cancel the schedule.
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            store.fail(
                    collector.name(),
                    message,
                    clock.instant(),
                    nanoTime.getAsLong() - t0,
                    threadCpuNanos.getAsLong() - cpu0);
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
