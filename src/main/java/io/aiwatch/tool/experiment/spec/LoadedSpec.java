package io.aiwatch.tool.experiment.spec;

import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.WorkloadType;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated spec, expanded into its plan.
 *
 * @param file       where it was read from
 * @param text       its text, as run (copied into the run directory)
 * @param sha256     hex SHA-256 of the text (a resumed run must have the same)
 * @param spec       the bound spec
 * @param quick      whether {@code --quick} applied
 * @param baseline   the workload's fixed parameters (with {@code quick.workload} applied under --quick)
 * @param workload   the workload kind
 * @param conditions the conditions, in spec order
 * @param plan       steps and sequence
 */
public record LoadedSpec(
        Path file,
        String text,
        String sha256,
        ExperimentSpec spec,
        boolean quick,
        Parameters baseline,
        WorkloadType workload,
        List<ConditionSpec> conditions,
        Plan plan) {}
