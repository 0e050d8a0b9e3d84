package io.aiwatch.tool.experiment.builtin;

import io.aiwatch.tool.experiment.Condition;
import io.aiwatch.tool.experiment.ConditionContext;
import io.aiwatch.tool.experiment.ConditionType;
import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.run.HostProbe;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kind: host_load}: the host's 1-minute load average divided by its CPU count at most
 * {@code max_per_core} (from /proc/loadavg; other work on the host skews latency).
 */
public final class HostLoadCondition implements ConditionType {
    private final HostProbe host;

    public HostLoadCondition() {
        this(HostProbe.system());
    }

    HostLoadCondition(HostProbe host) {
        this.host = host;
    }

    @Override
    public String kind() {
        return "host_load";
    }

    @Override
    public String description() {
        return "1-minute load average per CPU at most a bound";
    }

    @Override
    public Condition create(Parameters p) {
        p.requireOnly(Set.of("max_per_core"), "condition host_load");
        double max = p.number("max_per_core", Double.NaN);
        if (!(max > 0)) {
            throw new ParameterException("max_per_core", "required, > 0");
        }
        return new Condition() {
            @Override
            public String describe() {
                return String.format(Locale.ROOT, "host load average (1 min) per CPU at most %.2f", max);
            }

            @Override
            public Condition.Check check(ConditionContext ctx) {
                double load = host.loadAverage()[0];
                int cpus = host.cpus();
                double per = load / cpus;
                return new Condition.Check(
                        per <= max, String.format(Locale.ROOT, "load %.2f on %d CPUs = %.2f per CPU", load, cpus, per));
            }
        };
    }
}
