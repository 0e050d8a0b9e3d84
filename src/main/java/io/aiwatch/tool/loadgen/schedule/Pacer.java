package io.aiwatch.tool.loadgen.schedule;

import java.util.concurrent.locks.LockSupport;

/**
 * Waits until an absolute {@link System#nanoTime()} deadline with little jitter: parks until
 * {@link #SPIN_NANOS} before it (park itself overshoots by tens of microseconds on Linux), then
 * spins the rest. Thread.sleep would overshoot by ~0.1-1 ms and silently lower a high rate.
 */
public final class Pacer {
    /** Spin for the last 100 µs. */
    public static final long SPIN_NANOS = 100_000;

    private Pacer() {}

    /** Returns at or just after {@code deadline}, or early when the thread is interrupted. */
    public static void waitUntil(long deadline) {
        for (; ; ) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (remaining > SPIN_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
