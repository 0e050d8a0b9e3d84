package io.aiwatch.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A monotonic nanosecond clock (the tools' stand-in for {@code System::nanoTime}) that tests move by
 * hand, so timeouts and pacing are tested without waiting for them.
 */
public final class ManualTicker implements LongSupplier {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
        return now.get();
    }

    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
