package io.aiwatch.tool.experiment;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/** What the runner gives one iteration of a workload. Implemented by the runner; tests may fake it. */
public interface WorkloadContext {
    /** An empty directory for this iteration's own files (logs, raw outputs); kept with the run. */
    Path outputDirectory();

    /** How long the measured part should last ({@code duration}; shortened by {@code --quick}). */
    Duration duration();

    /** Leading time to run but leave out of the results ({@code warmup}; shortened by {@code --quick}). */
    Duration warmup();

    /** True under {@code --quick} (CI): durations are already shortened; keep anything else small too. */
    boolean quick();

    /** 1-based iteration number of this step. */
    int iteration();

    /** The step's id in the run ({@code s01}, ...). */
    String stepId();

    /** A seed for this iteration (the spec's seed mixed with the step and iteration). */
    long seed();

    /** Appends a line to the iteration's {@code workload.log} (kept with the raw data). */
    void log(String line);

    /** The daemon's samples recorded so far (and any endpoint added with {@link #recordEndpoint}). */
    SampleView samples();

    /**
     * Records another Prometheus endpoint (e.g. the /metrics of a server the workload started) at
     * the run's resolution until the returned handle is closed; its samples go to the raw data
     * beside the daemon's, under {@code name}.
     */
    AutoCloseable recordEndpoint(String name, URI metricsUrl);

    /**
     * When the runner started the daemon with simulated GPUs, their utilisation (0–1) follows
     * {@code load} until the handle is closed; otherwise this does nothing.
     */
    AutoCloseable simulatedGpuLoad(DoubleSupplier load);

    /** True once the run is being stopped; long loops should check it besides {@link Workload#cancel}. */
    boolean cancelled();
}
