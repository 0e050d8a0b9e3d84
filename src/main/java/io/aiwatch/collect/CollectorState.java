package io.aiwatch.collect;

import java.time.Duration;
import java.time.Instant;

/**
 * What the store knows about one collector: its last good snapshot and how its runs went.
 * Immutable; the store swaps in a new value after every run.
 *
 * @param name               collector name
 * @param interval           configured collection interval
 * @param staleAfter         age after which the last snapshot is stale
 * @param enabled            false when the collector could not start (for example NVML absent)
 * @param last               last successful snapshot, or null before the first success
 * @param lastError          message of the last failed run (or of the start-up failure), or null
 * @param lastErrorAt        when that failure happened, or null
 * @param runs               runs completed, successful or not
 * @param failures           runs that threw
 * @param lastDurationNanos  wall time of the last completed run, nanoseconds
 * @param cpuNanos           CPU time spent in all runs so far, nanoseconds (thread CPU time)
 * @param runningSince       start of the run in progress, or null when idle
 */
public record CollectorState(
        String name,
        Duration interval,
        Duration staleAfter,
        boolean enabled,
        Snapshot.Timed last,
        String lastError,
        Instant lastErrorAt,
        long runs,
        long failures,
        long lastDurationNanos,
        long cpuNanos,
        Instant runningSince) {

    static CollectorState registered(String name, Duration interval, Duration staleAfter) {
        return new CollectorState(name, interval, staleAfter, true, null, null, null, 0, 0, 0, 0, null);
    }

    /** Age of the last good snapshot at {@code now}, or null when there is none. */
    public Duration age(Instant now) {
        return last == null ? null : Duration.between(last.takenAt(), now);
    }

    /** True when enabled, with a snapshot no older than {@link #staleAfter} and a successful last run. */
    public boolean isFresh(Instant now) {
        if (!enabled || last == null) {
            return false;
        }
        return age(now).compareTo(staleAfter) <= 0;
    }

    /** True when the most recent completed run failed. */
    public boolean lastRunFailed() {
        return lastErrorAt != null && (last == null || lastErrorAt.isAfter(last.takenAt()));
    }

    /** Up means: enabled, and the most recent completed run succeeded and is fresh. */
    public boolean isUp(Instant now) {
        return isFresh(now) && !lastRunFailed();
    }

    /** A human-readable reason why this collector is not up, or null when it is. */
    public String problem(Instant now) {
        if (!enabled) {
            return "disabled: " + lastError;
        }
        if (lastRunFailed()) {
            return "last run failed: " + lastError;
        }
        if (last == null) {
            return runningSince != null ? "first collection still running since " + runningSince : "no snapshot yet";
        }
        if (!isFresh(now)) {
            String running = runningSince != null
                    ? ", collection running for "
                            + Duration.between(runningSince, now).toMillis() + " ms"
                    : "";
            return "stale: last snapshot " + age(now).toMillis() + " ms old (limit " + staleAfter.toMillis() + " ms)"
                    + running;
        }
        return null;
    }
}
