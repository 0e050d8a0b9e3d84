package io.aiwatch.tool.loadgen;

import java.util.List;

/**
 * The rates to run.
 *
 * @param rates       --request-rate values in order (+Inf allowed)
 * @param search      search the highest rate meeting the SLOs instead of running the list
 * @param slos        SLO conditions (search, and pass/fail marks of a list)
 * @param minRate     search: lowest rate
 * @param maxRate     search: highest rate
 * @param tolerance   search: stop when (bad - good) / good is below this
 * @param maxSteps    search: at most this many runs
 */
public record SweepConfig(
        List<Double> rates,
        boolean search,
        List<Sweep.Slo> slos,
        double minRate,
        double maxRate,
        double tolerance,
        int maxSteps) {
    public SweepConfig {
        rates = List.copyOf(rates);
        slos = List.copyOf(slos);
    }

    public static SweepConfig single(double rate) {
        return new SweepConfig(List.of(rate), false, List.of(), 0, 0, 0.05, 8);
    }
}
