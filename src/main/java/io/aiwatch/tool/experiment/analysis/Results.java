package io.aiwatch.tool.experiment.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code results.json}: the statistics of a run, computed from its raw files by {@link Analysis}.
 * The report shows these numbers; a test recomputes them from the raw files.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Results(
        @JsonProperty("format") String format,
        @JsonProperty("id") String id,
        @JsonProperty("title") String title,
        @JsonProperty("state") String state,
        @JsonProperty("simulated") boolean simulated,
        @JsonProperty("statistics") String statistics,
        @JsonProperty("x") String x,
        @JsonProperty("steps") List<StepResult> steps,
        @JsonProperty("knees") List<Knee> knees,
        @JsonProperty("claims") List<ClaimResult> claims,
        @JsonProperty("failures") List<Failure> failures) {

    public static final String FORMAT = "aiwatch-experiment-results/1";

    public static final String METHOD = "Across iterations: mean, median, sample SD (n-1), CV = SD/|mean|, 95 % CI"
            + " of the mean from Student's t (mean ± t(0.975, n-1)·SD/√n). Percentiles of a step (pooled) come from"
            + " the HdrHistograms of all its successful iterations added together (3 significant digits), never from"
            + " averaging percentiles; their 95 % CI is a bootstrap over iterations (whole iterations resampled with"
            + " replacement; exact enumeration up to 6 iterations). Comparisons use Welch's t-test; a difference is larger than the noise when its"
            + " 95 % CI excludes zero.";

    /**
     * One step.
     *
     * @param id          step id
     * @param label       setting and sweep values
     * @param setting     the setting's label
     * @param variables   the comparisons it belongs to
     * @param x           its value of the x-axis variable, or null
     * @param parameters  the workload's parameters
     * @param ok          iterations that measured
     * @param failed      iterations that failed (conditions, the workload) or did not finish
     * @param metrics     per summary metric, across the successful iterations
     * @param pooled      percentiles, mean, max and count from the merged histograms, with bootstrap intervals
     * @param objectives  each objective's verdict for this step
     * @param meets       whether every objective holds (null without objectives or data)
     */
    public record StepResult(
            @JsonProperty("id") String id,
            @JsonProperty("label") String label,
            @JsonProperty("setting") String setting,
            @JsonProperty("variables") List<String> variables,
            @JsonProperty("x") Double x,
            @JsonProperty("parameters") Map<String, Object> parameters,
            @JsonProperty("ok") int ok,
            @JsonProperty("failed") int failed,
            @JsonProperty("metrics") Map<String, Summary> metrics,
            @JsonProperty("pooled") Map<String, Pooled> pooled,
            @JsonProperty("objectives") List<ObjectiveResult> objectives,
            @JsonProperty("meets") Boolean meets) {}

    /**
     * @param metric    the metric
     * @param bound     "≤ 500" or "≥ 10"
     * @param value     the value judged (pooled when there is one, else the mean across iterations)
     * @param met       whether the bound holds
     * @param uncertain whether the 95 % CI across iterations reaches across the bound
     */
    public record ObjectiveResult(
            @JsonProperty("metric") String metric,
            @JsonProperty("bound") String bound,
            @JsonProperty("value") Double value,
            @JsonProperty("met") Boolean met,
            @JsonProperty("uncertain") boolean uncertain) {}

    /**
     * The knee of one setting: the highest x at which it and every lower x meet the objectives.
     *
     * @param setting setting label
     * @param knee    the knee, or null when even the lowest x fails
     * @param status  "knee", "none" (fails at the lowest x) or "beyond" (meets at every x tested)
     * @param note    e.g. a higher x met the objectives again (not monotonic)
     */
    public record Knee(
            @JsonProperty("setting") String setting,
            @JsonProperty("knee") Double knee,
            @JsonProperty("status") String status,
            @JsonProperty("note") String note) {}

    /**
     * @param statement  the claim
     * @param metric     metric compared
     * @param expect     lower or higher
     * @param when       step id with the claim's "when" parameters
     * @param than       step id with its "than" parameters
     * @param whenValue  across-iteration summary of the metric at "when"
     * @param thanValue  the same at "than"
     * @param difference when − than, Welch
     * @param verdict    holds, contradicted, inconclusive, or not evaluated (why)
     */
    public record ClaimResult(
            @JsonProperty("statement") String statement,
            @JsonProperty("metric") String metric,
            @JsonProperty("expect") String expect,
            @JsonProperty("when") String when,
            @JsonProperty("than") String than,
            @JsonProperty("when_value") Summary whenValue,
            @JsonProperty("than_value") Summary thanValue,
            @JsonProperty("difference") Summary.Difference difference,
            @JsonProperty("verdict") String verdict) {}

    /**
     * A failure or negative result.
     *
     * @param kind   iteration, step, objective, claim, warning or run
     * @param step   step id, or null
     * @param text   what happened
     */
    public record Failure(
            @JsonProperty("kind") String kind,
            @JsonProperty("step") String step,
            @JsonProperty("text") String text) {}
}
