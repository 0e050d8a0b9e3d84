package io.aiwatch.tool.experiment;

/**
 * A kind of condition that must hold before each iteration, named in a spec as {@code
 * conditions: [{kind: NAME, ...}]}. Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.aiwatch.tool.experiment.ConditionType}); public no-argument
 * constructor, stateless.
 *
 * <p>The runner owns the keys {@code timeout} (how long to wait for it, default 5m) and {@code
 * poll} (how often to check, default 1s); {@link #create} gets the others.
 */
public interface ConditionType {
    String kind();

    /** One line for {@code aiwatch experiment kinds}. */
    String description();

    /**
     * A condition from its parameters (checked here, at spec load time).
     *
     * @throws ParameterException naming the offending key
     */
    Condition create(Parameters parameters);
}
