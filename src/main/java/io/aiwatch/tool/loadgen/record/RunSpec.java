package io.aiwatch.tool.loadgen.record;

import java.time.Duration;

/**
 * How to drive one run (one rate step of a sweep).
 *
 * @param requestRate      open-loop rate in requests/s for all workers together; +Inf sends as fast as
 *                         the concurrency cap allows (closed loop with maxConcurrency)
 * @param burstiness       gamma shape of the gaps (1 = Poisson, +Inf = constant)
 * @param maxConcurrency   cap on requests in flight (0 = none)
 * @param numPrompts       requests in the schedule (all workers); ignored when durationSeconds > 0 at a finite rate
 * @param durationSeconds  run length instead of a count (0 = use numPrompts)
 * @param warmupSeconds    requests due before this are sent but left out of results and duration
 * @param numWarmups       copies of the first prompt sent (and awaited) before the run, never measured
 * @param seed             seed of the schedule
 * @param workerIndex      this worker's index
 * @param workerCount      number of workers sharing the schedule
 * @param startAtEpochMs   common start instant of all workers (0 = now)
 * @param requestTimeout   a request not finished within this is failed with reason timeout
 * @param thinkTime        pause between a session's answer and its next turn
 */
public record RunSpec(
        double requestRate,
        double burstiness,
        int maxConcurrency,
        int numPrompts,
        double durationSeconds,
        double warmupSeconds,
        int numWarmups,
        long seed,
        int workerIndex,
        int workerCount,
        long startAtEpochMs,
        Duration requestTimeout,
        Duration thinkTime) {

    public static RunSpec of(double rate, int numPrompts) {
        return new RunSpec(rate, 1.0, 0, numPrompts, 0, 0, 0, 0, 0, 1, 0, Duration.ofMinutes(10), Duration.ZERO);
    }

    public RunSpec withRate(double rate) {
        return new RunSpec(
                rate,
                burstiness,
                maxConcurrency,
                numPrompts,
                durationSeconds,
                warmupSeconds,
                numWarmups,
                seed,
                workerIndex,
                workerCount,
                startAtEpochMs,
                requestTimeout,
                thinkTime);
    }

    public RunSpec withConcurrency(int concurrency) {
        return new RunSpec(
                requestRate,
                burstiness,
                concurrency,
                numPrompts,
                durationSeconds,
                warmupSeconds,
                numWarmups,
                seed,
                workerIndex,
                workerCount,
                startAtEpochMs,
                requestTimeout,
                thinkTime);
    }

    public RunSpec withTimeout(Duration timeout) {
        return new RunSpec(
                requestRate,
                burstiness,
                maxConcurrency,
                numPrompts,
                durationSeconds,
                warmupSeconds,
                numWarmups,
                seed,
                workerIndex,
                workerCount,
                startAtEpochMs,
                timeout,
                thinkTime);
    }

    /** Open loop: a finite rate decides when requests are due. */
    public boolean openLoop() {
        return !Double.isInfinite(requestRate);
    }

    /** Requests in the global schedule. */
    public int scheduledRequests() {
        if (durationSeconds > 0 && openLoop()) {
            return (int) Math.min(Integer.MAX_VALUE - 8, Math.round(requestRate * durationSeconds));
        }
        if (durationSeconds > 0) {
            return Integer.MAX_VALUE - 8;
        }
        return numPrompts;
    }
}
