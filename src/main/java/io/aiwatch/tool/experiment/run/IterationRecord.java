package io.aiwatch.tool.experiment.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code iteration.json}: one attempt at one planned iteration, written when it ends.
 *
 * @param index          position in the run's sequence
 * @param step           step id
 * @param iteration      1-based iteration of the step
 * @param attempt        1 for the first attempt, more after --resume retried it
 * @param status         ok, failed, interrupted or crashed
 * @param reason         why it failed, was interrupted or crashed; null when ok
 * @param parameters     the workload's parameters
 * @param seed           the workload's seed
 * @param startEpochMs   when the workload started (after the conditions held)
 * @param endEpochMs     when it returned
 * @param conditions     what each condition observed and how long the runner waited for it
 * @param before         GPU and host state just before the workload started
 * @param after          GPU and host state just after it returned
 * @param throttle       per GPU: fraction of the daemon's samples during the iteration with each
 *                       clock-event (throttle) reason active, reasons never active left out
 * @param summary        the workload's summary values
 * @param histograms     file with the workload's histograms, or null
 * @param records        number of raw records in records.jsonl.gz
 * @param timeScale      measured-to-reported time factor (see WorkloadResult)
 * @param notes          the workload's warnings
 * @param environment    what the workload learned about its target (server model and version, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IterationRecord(
        @JsonProperty("index") int index,
        @JsonProperty("step") String step,
        @JsonProperty("iteration") int iteration,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("status") String status,
        @JsonProperty("reason") String reason,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("seed") long seed,
        @JsonProperty("start_epoch_ms") long startEpochMs,
        @JsonProperty("end_epoch_ms") long endEpochMs,
        @JsonProperty("conditions") List<ConditionWait> conditions,
        @JsonProperty("before") Map<String, Object> before,
        @JsonProperty("after") Map<String, Object> after,
        @JsonProperty("throttle") Map<String, Map<String, Double>> throttle,
        @JsonProperty("summary") Map<String, Double> summary,
        @JsonProperty("histograms") String histograms,
        @JsonProperty("records") int records,
        @JsonProperty("time_scale") double timeScale,
        @JsonProperty("notes") List<String> notes,
        @JsonProperty("environment") Map<String, String> environment) {

    /**
     * @param kind     condition kind
     * @param what     its description
     * @param held     whether it held before the timeout
     * @param waitedS  seconds the runner waited for it
     * @param checks   how many times it was checked
     * @param observed the last observation
     */
    public record ConditionWait(
            @JsonProperty("kind") String kind,
            @JsonProperty("what") String what,
            @JsonProperty("held") boolean held,
            @JsonProperty("waited_s") double waitedS,
            @JsonProperty("checks") int checks,
            @JsonProperty("observed") String observed) {}
}
