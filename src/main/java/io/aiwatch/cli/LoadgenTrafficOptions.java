package io.aiwatch.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** {@code aiwatch loadgen}: when requests are sent (vllm bench serve's names and defaults, plus aiwatch's own). */
final class LoadgenTrafficOptions {
    @Option(
            names = "--request-rate",
            split = ",",
            defaultValue = "inf",
            description = "req/s; inf sends all at once; a list runs a sweep (default: ${DEFAULT-VALUE}).")
    List<String> requestRates;

    @Option(
            names = "--burstiness",
            defaultValue = "1.0",
            description = "Gamma shape of the gaps: 1 Poisson, <1 burstier, inf constant (default: ${DEFAULT-VALUE}).")
    String burstiness;

    @Option(names = "--max-concurrency", description = "Most requests in flight (default: no cap).")
    Integer maxConcurrency;

    @Option(
            names = "--num-prompts",
            defaultValue = "1000",
            description = "Requests to send (default: ${DEFAULT-VALUE}).")
    int numPrompts;

    @Option(names = "--ramp-up-strategy", description = "linear or exponential ramp from --ramp-up-start-rps.")
    String rampUpStrategy;

    @Option(names = "--ramp-up-start-rps", description = "Ramp-up: first rate, req/s.")
    Integer rampUpStartRps;

    @Option(names = "--ramp-up-end-rps", description = "Ramp-up: last rate, req/s.")
    Integer rampUpEndRps;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the schedule and the prompts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--num-warmups",
            defaultValue = "0",
            description = "Copies of the first prompt sent before the run, never measured.")
    int numWarmups;

    @Option(names = "--duration", defaultValue = "0", description = "Seconds to run instead of --num-prompts.")
    double duration;

    @Option(names = "--warmup-seconds", defaultValue = "0", description = "Requests due before this are excluded.")
    double warmupSeconds;

    @Option(names = "--request-timeout", defaultValue = "600", description = "Seconds per request.")
    double timeoutSeconds;

    @Option(names = "--think-time-ms", defaultValue = "0", description = "Pause before a session's next turn.")
    long thinkMs;

    @Option(
            names = "--timing-nice",
            defaultValue = "-10",
            description =
                    "Nice value of the pacing threads, -20..0;"
                            + " needs CAP_SYS_NICE, else they stay at normal priority and the result says so; 0 = leave alone (default: ${DEFAULT-VALUE}).")
    int timingNice;

    @Option(names = "--worker-index", defaultValue = "0", description = "This worker's index in [0, --worker-count).")
    int workerIndex;

    @Option(
            names = "--worker-count",
            defaultValue = "1",
            description = "Workers sharing one schedule (default: ${DEFAULT-VALUE}).")
    int workerCount;

    @Option(names = "--start-at", description = "Common start of all workers: ISO-8601 instant or epoch ms.")
    String startAt;

    @Option(names = "--search", description = "Search the highest rate meeting --slo.")
    boolean search;

    @Option(names = "--slo", description = "Conditions on result fields, e.g. p99_e2el_ms<=500,p99_ttft_ms<=200.")
    String slo;

    @Option(
            names = "--search-min-rate",
            defaultValue = "1",
            description = "Search: lowest rate, req/s (default: ${DEFAULT-VALUE}).")
    double searchMin;

    @Option(
            names = "--search-max-rate",
            defaultValue = "100",
            description = "Search: highest rate, req/s (default: ${DEFAULT-VALUE}).")
    double searchMax;

    @Option(
            names = "--search-tolerance",
            defaultValue = "0.05",
            description = "Search: stop when the bracket is this narrow, relative (default: ${DEFAULT-VALUE}).")
    double searchTolerance;

    @Option(
            names = "--search-max-steps",
            defaultValue = "8",
            description = "Search: most runs (default: ${DEFAULT-VALUE}).")
    int searchSteps;
}
