package io.aiwatch.testing;

import java.time.Duration;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting for a condition that something announces changes of, instead of sleeping and polling. */
public final class Await {
    private Await() {}

    /**
     * Waits until {@code condition} holds, checking it again each time {@code changes} advances (the
     * component under test arrives at it when its state changed); false when {@code timeout} passed
     * first. The condition is checked outside any lock, so it may be slow (an HTTP request).
     */
    public static boolean until(Phaser changes, BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int phase = changes.getPhase();
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                changes.awaitAdvanceInterruptibly(phase, left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return condition.getAsBoolean();
            }
        }
    }
}
