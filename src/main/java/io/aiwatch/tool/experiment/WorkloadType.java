package io.aiwatch.tool.experiment;

import java.util.List;

/**
 * A kind of workload that steps of an experiment run, named in a spec as {@code workload: {kind:
 * NAME, ...}}. Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.aiwatch.tool.experiment.WorkloadType}. They need a public no-argument
 * constructor and must be stateless (one instance serves every run).
 */
public interface WorkloadType {
    /** The name a spec uses ({@code loadgen}, {@code command}, ...): lower case, digits, {@code -} and {@code _}. */
    String kind();

    /** One line for {@code aiwatch experiment kinds} and the report's method section. */
    String description();

    /**
     * Checks the parameters of one step without running anything or touching the machine. The
     * spec loader calls it for every step before the run starts, so that a typo stops the run at
     * once with file:line instead of failing an hour in.
     *
     * @throws ParameterException naming the offending key
     */
    void validate(Parameters parameters);

    /** A workload for one iteration of one step; {@link #validate} has accepted the parameters. */
    Workload create(Parameters parameters);

    /**
     * Summary values (names of {@link WorkloadResult#summary()} entries) the report tabulates when
     * the spec's {@code report.metrics} does not say; the first ones matter most. Empty: all.
     */
    default List<String> reportMetrics() {
        return List.of();
    }

    /** Whether the numbers describe a simulation (the report then says so plainly). */
    default boolean simulated(Parameters parameters) {
        return false;
    }
}
