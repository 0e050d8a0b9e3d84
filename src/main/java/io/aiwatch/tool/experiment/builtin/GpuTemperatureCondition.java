package io.aiwatch.tool.experiment.builtin;

import io.aiwatch.tool.experiment.Condition;
import io.aiwatch.tool.experiment.ConditionContext;
import io.aiwatch.tool.experiment.ConditionType;
import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.RecordedSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kind: gpu_temperature}: every GPU within {@code within_celsius} of its idle temperature.
 * The idle temperature is {@code idle_celsius} when given, else each GPU's temperature from the
 * daemon when the run starts (recorded in the manifest, kept across --resume).
 */
public final class GpuTemperatureCondition implements ConditionType {
    static final String SAMPLE = "DCGM_FI_DEV_GPU_TEMP";

    @Override
    public String kind() {
        return "gpu_temperature";
    }

    @Override
    public String description() {
        return "every GPU within N °C of its idle temperature (measured at run start, or given)";
    }

    @Override
    public Condition create(Parameters p) {
        p.requireOnly(Set.of("within_celsius", "idle_celsius"), "condition gpu_temperature");
        double within = p.number("within_celsius", Double.NaN);
        if (!(within >= 0)) {
            throw new ParameterException("within_celsius", "required, >= 0");
        }
        double idle = p.number("idle_celsius", Double.NaN);
        return new Check(within, idle);
    }

    private record Check(double within, double idleGiven) implements Condition {
        @Override
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "GPU temperature within %.1f °C of idle%s",
                    within,
                    Double.isNaN(idleGiven) ? "" : String.format(Locale.ROOT, " (%.1f °C)", idleGiven));
        }

        @Override
        public void beforeRun(ConditionContext ctx) {
            for (RecordedSample s : ctx.samples().latest(SAMPLE)) {
                ctx.state().put("idle." + s.labels().get("UUID"), Double.toString(s.value()));
            }
        }

        @Override
        public Condition.Check check(ConditionContext ctx) {
            List<RecordedSample> temps = ctx.samples().latest(SAMPLE);
            if (temps.isEmpty()) {
                return new Condition.Check(false, "no GPU temperature from the daemon");
            }
            boolean ok = true;
            List<String> seen = new ArrayList<>();
            for (RecordedSample s : temps) {
                String uuid = s.labels().get("UUID");
                double idle = idleGiven;
                if (Double.isNaN(idle)) {
                    String v = ctx.state().get("idle." + uuid);
                    idle = v == null ? Double.NaN : Double.parseDouble(v);
                }
                boolean near = !Double.isNaN(idle) && s.value() <= idle + within;
                ok &= near;
                seen.add(String.format(
                        Locale.ROOT, "GPU %s %.0f °C (idle %.0f °C)", s.labels().get("gpu"), s.value(), idle));
            }
            return new Condition.Check(ok, String.join(", ", seen));
        }
    }
}
