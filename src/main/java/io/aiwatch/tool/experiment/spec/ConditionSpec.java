package io.aiwatch.tool.experiment.spec;

import io.aiwatch.tool.experiment.Condition;
import java.time.Duration;

/**
 * A condition of the spec, ready to check.
 *
 * @param index     position in the spec's {@code conditions} list (its state keys are prefixed with it)
 * @param kind      the condition kind
 * @param condition the instance
 * @param timeout   how long to wait for it before failing the iteration
 * @param poll      how often to check
 */
public record ConditionSpec(int index, String kind, Condition condition, Duration timeout, Duration poll) {}
