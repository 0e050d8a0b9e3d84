package io.aiwatch.tool.experiment.run;

import java.net.URI;
import java.util.function.DoubleSupplier;

/**
 * Starts an aiwatch daemon for a run that does not name one. Supplied by the assembly floor (the
 * {@code cli} package builds the real daemon in this process), so that the runner, a tool, never
 * depends on the daemon's assembly.
 */
@FunctionalInterface
public interface DaemonStarter {
    /**
     * @param simulateGpus -1: real GPUs through NVML, or one simulated GPU when NVML is absent;
     *                     0: real GPUs only; N: N simulated GPUs
     */
    Started start(int simulateGpus) throws Exception;

    /** A daemon this run started; closed when the run ends. */
    interface Started extends AutoCloseable {
        /** Its {@code /metrics} URL. */
        URI metricsUrl();

        /** "in-process daemon, 1 simulated H100 (no NVML: ...)" for the report. */
        String description();

        /** Whether its GPUs are simulated. */
        boolean simulatedGpus();

        /** Makes simulated GPUs follow {@code load} (0–1) until the handle is closed; no-op for real GPUs. */
        AutoCloseable gpuLoad(DoubleSupplier load);

        @Override
        void close();
    }
}
