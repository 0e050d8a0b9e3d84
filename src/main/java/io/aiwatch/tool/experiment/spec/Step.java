package io.aiwatch.tool.experiment.spec;

import io.aiwatch.tool.experiment.Parameters;
import java.util.List;
import java.util.Map;

/**
 * One combination of levels: what a single iteration runs.
 *
 * @param id          {@code s01}, {@code s02}, ... in plan order
 * @param parameters  the workload's parameters for this step (baseline with the levels applied)
 * @param setting     the non-sweep parameters that differ from the baseline (empty for the baseline)
 * @param settingLabel "baseline", or the variable and level that make this setting
 * @param variables   the non-sweep variables whose comparison this setting belongs to (the
 *                    baseline belongs to all of them)
 * @param sweep       the sweep variables' values (x-axis), by variable name
 * @param origins     for each parameter set by a level, the JSON pointer of that level in the
 *                    spec (for error lines)
 */
public record Step(
        String id,
        Parameters parameters,
        Map<String, Object> setting,
        String settingLabel,
        List<String> variables,
        Map<String, Object> sweep,
        Map<String, String> origins) {
    public Step {
        setting = Map.copyOf(setting);
        variables = List.copyOf(variables);
        sweep = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sweep));
        origins = Map.copyOf(origins);
    }

    /** "max_num_seqs=16, request_rate=8". */
    public String label() {
        StringBuilder sb = new StringBuilder(settingLabel);
        sweep.forEach((k, v) -> sb.append(", ").append(k).append('=').append(Plan.format(v)));
        return sb.toString();
    }
}
