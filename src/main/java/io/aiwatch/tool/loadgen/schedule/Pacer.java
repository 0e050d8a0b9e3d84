package io.aiwatch.tool.loadgen.schedule;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits until an absolute deadline of the load generator's clock (System::nanoTime, or a clock a
 * test moves) with little jitter: parks until {@link #SPIN_NANOS} before it (park itself overshoots
 * by tens of microseconds on Linux), then spins the rest. Thread.sleep would overshoot by ~0.1-1 ms
 * and silently lower a high rate.
 */
public final class Pacer {
    /** Spin for the last 100 µs. */
    public static final long SPIN_NANOS = 100_000;

    private final LongSupplier ticker;

    /** @param ticker the clock the deadlines are in, nanoseconds */
    public Pacer(LongSupplier ticker) {
        this.ticker = ticker;
    }

    /** Returns at or just after {@code deadline}, or early when the thread is interrupted. */
    public void waitUntil(long deadline) {
        for (; ; ) {
            long remaining = deadline - ticker.getAsLong();
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
