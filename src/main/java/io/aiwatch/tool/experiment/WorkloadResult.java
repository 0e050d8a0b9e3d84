package io.aiwatch.tool.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one iteration measured.
 *
 * @param summary     this iteration's values by name, the unit as the name's suffix ({@code _ms},
 *                    {@code _s}, {@code _per_s}, {@code _watts}, {@code _bytes}, {@code _ratio},
 *                    ...); the runner computes mean, median, SD, CV and a 95 % CI of each across iterations
 * @param histograms  durations in <b>nanoseconds</b> by metric ({@code ttft}, {@code itl}, ...); the
 *                    runner adds the iterations' histograms to report percentiles of the whole
 *                    step ({@code p99_ttft_ms}, ...), never averaging percentiles
 * @param records     the raw per-request or per-sample records (JSON-able maps), written to
 *                    {@code records.jsonl.gz} beside the summary they were computed from
 * @param failure     why the iteration failed (it ran, but not as it should), or null
 * @param interrupted whether it was cut short by {@link Workload#cancel}
 * @param notes       warnings worth a line in the report (e.g. the client fell behind its schedule)
 * @param timeScale   factor from measured (wall) seconds in {@code records} to the seconds of
 *                    {@code summary} and {@code histograms}: 1 unless a simulator ran faster than
 *                    real time
 * @param environment facts the workload learned about what it ran against (server model and
 *                    version, device, file system), for the report's environment table
 */
public record WorkloadResult(
        Map<String, Double> summary,
        Map<String, Histogram> histograms,
        List<Map<String, Object>> records,
        String failure,
        boolean interrupted,
        List<String> notes,
        double timeScale,
        Map<String, String> environment) {

    public WorkloadResult {
        summary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
        histograms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
        records = java.util.Collections.unmodifiableList(new ArrayList<>(records));
        notes = List.copyOf(notes);
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("timeScale must be > 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean ok() {
        return failure == null && !interrupted;
    }

    /** Collects a result piece by piece. */
    public static final class Builder {
        private final Map<String, Double> summary = new LinkedHashMap<>();
        private final Map<String, Histogram> histograms = new LinkedHashMap<>();
        private final List<Map<String, Object>> records = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String failure;
        private boolean interrupted;
        private double timeScale = 1;

        public Builder summary(String name, double value) {
            summary.put(name, value);
            return this;
        }

        public Builder histogram(String metric, Histogram nanos) {
            histograms.put(metric, nanos);
            return this;
        }

        public Builder record(Map<String, Object> record) {
            records.add(record);
            return this;
        }

        public Builder failure(String reason) {
            this.failure = reason;
            return this;
        }

        public Builder interrupted(boolean value) {
            this.interrupted = value;
            return this;
        }

        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder timeScale(double scale) {
            this.timeScale = scale;
            return this;
        }

        public WorkloadResult build() {
            return new WorkloadResult(
                    summary, histograms, records, failure, interrupted, notes, timeScale, environment);
        }
    }
}
