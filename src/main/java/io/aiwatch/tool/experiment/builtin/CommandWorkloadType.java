package io.aiwatch.tool.experiment.builtin;

import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadType;
import java.util.List;
import java.util.Set;

/**
 * {@code kind: command}: an external program per iteration. It gets the step's parameters and
 * the iteration's settings as environment variables ({@code AIWATCH_PARAM_<NAME>},
 * {@code AIWATCH_OUTPUT_DIR}, {@code AIWATCH_DURATION_S}, {@code AIWATCH_WARMUP_S},
 * {@code AIWATCH_ITERATION}, {@code AIWATCH_SEED}, {@code AIWATCH_STEP}, {@code AIWATCH_QUICK}),
 * and may write {@code summary.json} (name → number) and {@code records.jsonl} into its output
 * directory. A non-zero exit fails the iteration.
 */
public final class CommandWorkloadType implements WorkloadType {
    static final Set<String> KEYS = Set.of("command", "timeout", "summary_file", "records_file", "parameters");

    @Override
    public String kind() {
        return "command";
    }

    @Override
    public String description() {
        return "an external command per iteration (parameters as AIWATCH_PARAM_* variables)";
    }

    @Override
    public void validate(Parameters p) {
        settings(p);
    }

    @Override
    public Workload create(Parameters p) {
        return new CommandWorkload(settings(p));
    }

    @Override
    public List<String> reportMetrics() {
        return List.of("wall_s");
    }

    record Settings(
            List<String> command,
            java.time.Duration timeout,
            String summaryFile,
            String recordsFile,
            Parameters parameters) {}

    static Settings settings(Parameters p) {
        Set<String> known = new java.util.HashSet<>(KEYS);
        for (String k : p.keys()) {
            if (!known.contains(k) && !k.matches("[a-z][a-z0-9_]*")) {
                throw new ParameterException(k, "parameter names are lower case letters, digits and _");
            }
        }
        Object c = p.asMap().get("command");
        List<String> command;
        if (c instanceof String s && !s.isBlank()) {
            command = List.of("sh", "-c", s);
        } else if (c instanceof List<?> l && !l.isEmpty()) {
            command = l.stream().map(String::valueOf).toList();
        } else {
            throw new ParameterException("command", "required: a shell command line or a list of arguments");
        }
        return new Settings(
                command,
                p.duration("timeout", java.time.Duration.ofHours(1)),
                p.text("summary_file", "summary.json"),
                p.text("records_file", "records.jsonl"),
                p.without(KEYS));
    }
}
