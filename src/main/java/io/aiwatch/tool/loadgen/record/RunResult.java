package io.aiwatch.tool.loadgen.record;

import java.util.List;

/**
 * Everything a run produced, before statistics.
 *
 * @param records         measured requests (warm-up excluded), times relative to t0
 * @param requestRate     the requested rate (all workers)
 * @param spec            the run's settings
 * @param startEpochMs    wall-clock time of t0 + warm-up, i.e. the start of the measured window
 * @param durationNanos   measured window: from its start to the last request's end
 * @param warmupExcluded  requests sent during warm-up and left out
 * @param interrupted     whether the run was stopped early (Ctrl-C)
 * @param rpsChangeEvents with a ramp-up, vLLM's {@code rps_change_events}: {@code {rps, timestamp}} each time
 *                        the rate crossed an integer, else empty
 */
public record RunResult(
        List<RequestRecord> records,
        double requestRate,
        RunSpec spec,
        long startEpochMs,
        long durationNanos,
        int warmupExcluded,
        boolean interrupted,
        List<java.util.Map<String, Object>> rpsChangeEvents) {
    public RunResult {
        records = List.copyOf(records);
        rpsChangeEvents = List.copyOf(rpsChangeEvents);
    }

    public RunResult(
            List<RequestRecord> records,
            double requestRate,
            RunSpec spec,
            long startEpochMs,
            long durationNanos,
            int warmupExcluded,
            boolean interrupted) {
        this(records, requestRate, spec, startEpochMs, durationNanos, warmupExcluded, interrupted, List.of());
    }
}
