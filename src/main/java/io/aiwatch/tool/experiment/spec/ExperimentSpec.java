package io.aiwatch.tool.experiment.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * An experiment as written in its YAML spec (see docs/EXPERIMENTS.md). Loaded strictly by {@link
 * SpecLoader}: unknown keys and wrong types fail with file:line; absent keys take the defaults
 * documented on each component.
 *
 * @param id          short identifier, e.g. {@code EXP-003}
 * @param title       one line
 * @param hypothesis  what is expected and why, in words
 * @param method      notes on the method beyond what the spec says itself (optional)
 * @param claims      testable parts of the hypothesis: one metric compared between two steps
 * @param iterations  repetitions of every step (default 3)
 * @param order       {@code interleaved} (default: iteration 1 of every step, then iteration 2, ...),
 *                    {@code sequential} (all iterations of a step together) or {@code shuffled}
 *                    (interleaved, steps in a seeded random order within each round)
 * @param seed        seed of the order and of each iteration's workload seed (default 1)
 * @param duration    measured length of one iteration (default 30s)
 * @param warmup      leading time of each iteration left out of the results (default 0s)
 * @param pause       wait after each iteration before the next one's conditions are checked (default 0s)
 * @param workload    {@code kind} plus the workload's parameters: the fixed conditions (baseline)
 * @param variables   what is varied, with its levels
 * @param design      {@code one_at_a_time} (default: each variable's levels with the others at
 *                    baseline) or {@code matrix} (every combination)
 * @param conditions  what must hold before each iteration: {@code kind} plus its parameters
 * @param record      where samples come from
 * @param objectives  limits that decide whether a step meets its target
 * @param quick       what {@code --quick} changes
 * @param report      what the report shows
 */
public record ExperimentSpec(
        @JsonProperty("id") String id,
        @JsonProperty("title") String title,
        @JsonProperty("hypothesis") String hypothesis,
        @JsonProperty("method") String method,
        @JsonProperty("claims") List<Claim> claims,
        @JsonProperty("iterations") Integer iterations,
        @JsonProperty("order") String order,
        @JsonProperty("seed") Long seed,
        @JsonProperty("duration") String duration,
        @JsonProperty("warmup") String warmup,
        @JsonProperty("pause") String pause,
        @JsonProperty("workload") Map<String, Object> workload,
        @JsonProperty("variables") List<Variable> variables,
        @JsonProperty("design") String design,
        @JsonProperty("conditions") List<Map<String, Object>> conditions,
        @JsonProperty("record") Recording record,
        @JsonProperty("objectives") List<Objective> objectives,
        @JsonProperty("quick") Quick quick,
        @JsonProperty("report") ReportOptions report) {

    public ExperimentSpec {
        method = method == null ? "" : method;
        claims = claims == null ? List.of() : List.copyOf(claims);
        iterations = iterations == null ? 3 : iterations;
        order = order == null ? "interleaved" : order;
        seed = seed == null ? 1L : seed;
        duration = duration == null ? "30s" : duration;
        warmup = warmup == null ? "0s" : warmup;
        pause = pause == null ? "0s" : pause;
        variables = variables == null ? List.of() : List.copyOf(variables);
        design = design == null ? "one_at_a_time" : design;
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        record = record == null ? Recording.defaults() : record;
        objectives = objectives == null ? List.of() : List.copyOf(objectives);
        report = report == null ? new ReportOptions(null, null) : report;
    }

    /**
     * A variable and its levels.
     *
     * @param name   a workload parameter (then each level is its value) or a label for levels
     *               that are mappings of several parameters changed together
     * @param levels values, or mappings of parameter to value
     * @param sweep  true for the variable on the x-axis (typically the request rate): its levels
     *               are run under every setting of the others, and the report finds the knee along it
     */
    public record Variable(
            @JsonProperty("name") String name,
            @JsonProperty("levels") List<Object> levels,
            @JsonProperty("sweep") Boolean sweep) {
        public Variable {
            sweep = sweep != null && sweep;
        }
    }

    /**
     * A limit on a metric of a step: {@code at_most} or {@code at_least} (or both).
     *
     * @param metric a summary metric or a pooled percentile, e.g. {@code p99_ttft_ms}
     */
    public record Objective(
            @JsonProperty("metric") String metric,
            @JsonProperty("at_most") Double atMost,
            @JsonProperty("at_least") Double atLeast) {}

    /**
     * "Metric is lower (higher) when ... than when ...": the step with {@code when} applied to the
     * baseline against the step with {@code than} applied.
     */
    public record Claim(
            @JsonProperty("statement") String statement,
            @JsonProperty("metric") String metric,
            @JsonProperty("expect") String expect,
            @JsonProperty("when") Map<String, Object> when,
            @JsonProperty("than") Map<String, Object> than) {
        public Claim {
            when = when == null ? Map.of() : when;
            than = than == null ? Map.of() : than;
        }
    }

    /**
     * Where samples come from.
     *
     * @param daemon        {@code start} (default: start one in this process), {@code none}, or the
     *                      URL of a running daemon
     * @param simulateGpus  when starting one: {@code auto} (simulate one GPU when NVML is absent),
     *                      or a number of simulated GPUs (0: real GPUs only)
     * @param interval      scrape interval (default 1s, the daemon's resolution)
     * @param families      regular expressions of sample names to keep (default: all)
     */
    public record Recording(
            @JsonProperty("daemon") String daemon,
            @JsonProperty("simulate_gpus") String simulateGpus,
            @JsonProperty("interval") String interval,
            @JsonProperty("families") List<String> families) {
        public Recording {
            daemon = daemon == null ? "start" : daemon;
            simulateGpus = simulateGpus == null ? "auto" : simulateGpus;
            interval = interval == null ? "1s" : interval;
            families = families == null ? List.of() : List.copyOf(families);
        }

        public static Recording defaults() {
            return new Recording(null, null, null, null);
        }
    }

    /**
     * What {@code --quick} changes: fewer iterations, shorter durations, fewer levels, other fixed
     * parameters. Absent keys: iterations 2, duration and warm-up a tenth (at least 1s and 0s).
     */
    public record Quick(
            @JsonProperty("iterations") Integer iterations,
            @JsonProperty("duration") String duration,
            @JsonProperty("warmup") String warmup,
            @JsonProperty("levels") Map<String, List<Object>> levels,
            @JsonProperty("workload") Map<String, Object> workload) {
        public Quick {
            levels = levels == null ? Map.of() : levels;
            workload = workload == null ? Map.of() : workload;
        }
    }

    /**
     * @param metrics summary metrics and pooled percentiles in the tables and plots (default: the
     *                workload kind's choice)
     * @param x       the sweep variable on the plots' x-axis (default: the first sweep variable)
     */
    public record ReportOptions(
            @JsonProperty("metrics") List<String> metrics,
            @JsonProperty("x") String x) {
        public ReportOptions {
            metrics = metrics == null ? List.of() : List.copyOf(metrics);
        }
    }
}
