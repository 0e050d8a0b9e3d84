package io.aiwatch.tool.experiment.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.tool.experiment.spec.ConditionSpec;
import io.aiwatch.tool.experiment.spec.ExperimentSpec;
import io.aiwatch.tool.experiment.spec.LoadedSpec;
import io.aiwatch.tool.experiment.spec.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code plan.json}: everything the analysis needs to know about the experiment, so that a run
 * directory can be analysed on another machine without the workload kinds installed.
 */
public record PlanFile(
        @JsonProperty("id") String id,
        @JsonProperty("title") String title,
        @JsonProperty("hypothesis") String hypothesis,
        @JsonProperty("method") String method,
        @JsonProperty("workload_kind") String workloadKind,
        @JsonProperty("workload_description") String workloadDescription,
        @JsonProperty("simulated") boolean simulated,
        @JsonProperty("baseline") Map<String, Object> baseline,
        @JsonProperty("variables") List<ExperimentSpec.Variable> variables,
        @JsonProperty("design") String design,
        @JsonProperty("order") String order,
        @JsonProperty("iterations") int iterations,
        @JsonProperty("duration") String duration,
        @JsonProperty("warmup") String warmup,
        @JsonProperty("pause") String pause,
        @JsonProperty("x") String x,
        @JsonProperty("conditions") List<String> conditions,
        @JsonProperty("objectives") List<ExperimentSpec.Objective> objectives,
        @JsonProperty("claims") List<ExperimentSpec.Claim> claims,
        @JsonProperty("report_metrics") List<String> reportMetrics,
        @JsonProperty("steps") List<StepEntry> steps) {

    /** A step as the analysis sees it. */
    public record StepEntry(
            @JsonProperty("id") String id,
            @JsonProperty("label") String label,
            @JsonProperty("setting") String setting,
            @JsonProperty("variables") List<String> variables,
            @JsonProperty("sweep") Map<String, Object> sweep,
            @JsonProperty("overrides") Map<String, Object> overrides,
            @JsonProperty("parameters") Map<String, Object> parameters) {}

    static PlanFile of(LoadedSpec s) {
        List<StepEntry> steps = new ArrayList<>();
        boolean simulated = false;
        for (Step st : s.plan().steps()) {
            steps.add(new StepEntry(
                    st.id(),
                    st.label(),
                    st.settingLabel(),
                    st.variables(),
                    st.sweep(),
                    st.setting(),
                    st.parameters().asMap()));
            simulated |= s.workload().simulated(st.parameters());
        }
        List<String> conditions = new ArrayList<>();
        for (ConditionSpec c : s.conditions()) {
            conditions.add(c.condition().describe() + " (" + c.kind() + ", timeout "
                    + io.aiwatch.tool.experiment.SpecText.format(c.timeout()) + ")");
        }
        ExperimentSpec e = s.spec();
        List<String> metrics = e.report().metrics().isEmpty()
                ? s.workload().reportMetrics()
                : e.report().metrics();
        return new PlanFile(
                e.id(),
                e.title(),
                e.hypothesis(),
                e.method(),
                s.workload().kind(),
                s.workload().description(),
                simulated,
                s.baseline().asMap(),
                e.variables(),
                e.design(),
                e.order(),
                s.plan().iterations(),
                io.aiwatch.tool.experiment.SpecText.format(s.plan().duration()),
                io.aiwatch.tool.experiment.SpecText.format(s.plan().warmup()),
                io.aiwatch.tool.experiment.SpecText.format(s.plan().pause()),
                s.plan().x(),
                conditions,
                e.objectives(),
                e.claims(),
                metrics,
                steps);
    }
}
