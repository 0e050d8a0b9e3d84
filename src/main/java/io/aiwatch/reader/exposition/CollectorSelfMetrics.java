package io.aiwatch.reader.exposition;

import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The daemon's own view of its collectors, derived from the store at scrape time (cheap: no
 * collector is called). These are what make staleness visible: a hung NVML call shows as a
 * growing {@code aiwatch_collector_snapshot_age_seconds} and {@code aiwatch_collector_up 0}.
 */
public final class CollectorSelfMetrics {
    private CollectorSelfMetrics() {}

    public static List<MetricFamily> families(List<CollectorState> states, Instant now) {
        var up = MetricFamily.builder(
                "aiwatch_collector_up",
                MetricType.GAUGE,
                "1 when the collector's last run succeeded and its snapshot is fresh, else 0.");
        var age = MetricFamily.builder(
                "aiwatch_collector_snapshot_age_seconds",
                MetricType.GAUGE,
                "Age of the collector's last good snapshot, in seconds.");
        var duration = MetricFamily.builder(
                "aiwatch_collector_duration_seconds",
                MetricType.GAUGE,
                "Wall time of the collector's last completed run, in seconds.");
        var runs = MetricFamily.builder(
                "aiwatch_collector_runs_total", MetricType.COUNTER, "Collection runs completed, successful or not.");
        var failures = MetricFamily.builder(
                "aiwatch_collector_failures_total", MetricType.COUNTER, "Collection runs that failed.");
        var cpu = MetricFamily.builder(
                "aiwatch_collector_cpu_seconds_total",
                MetricType.COUNTER,
                "CPU time the collector's thread spent collecting, in seconds.");
        var lastSuccess = MetricFamily.builder(
                "aiwatch_collector_last_success_timestamp_seconds",
                MetricType.GAUGE,
                "Unix time of the collector's last good snapshot.");
        for (CollectorState s : states) {
            Labels l = Labels.of("collector", s.name());
            up.add(l, s.isUp(now) ? 1 : 0);
            Duration a = s.age(now);
            if (a != null) {
                age.add(l, a.toNanos() / 1e9);
                lastSuccess.add(l, s.last().takenAt().toEpochMilli() / 1e3);
            }
            duration.add(l, s.lastDurationNanos() / 1e9);
            runs.add(l, s.runs());
            failures.add(l, s.failures());
            cpu.add(l, s.cpuNanos() / 1e9);
        }
        return List.of(
                up.build(),
                age.build(),
                duration.build(),
                runs.build(),
                failures.build(),
                cpu.build(),
                lastSuccess.build());
    }
}
