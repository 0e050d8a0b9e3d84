package io.aiwatch.cli;

import io.aiwatch.config.ConfigException;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.gpu.nvml.NvmlBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import io.aiwatch.tool.experiment.run.DaemonStarter;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Starts the real daemon in this process for an experiment run (loopback, a free port): NVML
 * when it loads, otherwise one simulated GPU whose load follows the workload's simulator.
 */
final class ExperimentDaemons implements DaemonStarter {
    @Override
    public Started start(int simulateGpus) throws ConfigException {
        int sim = simulateGpus;
        String why = "";
        if (sim < 0) {
            try (NvmlBackend nvml = NvmlLoader.load(Optional.empty())) {
                sim = 0;
                why = ", NVML: " + nvml.devices().size() + " GPU(s), driver " + nvml.driverVersion();
            } catch (Exception | LinkageError e) {
                sim = 1;
                String m = String.valueOf(e.getMessage());
                int cut = m.indexOf(':', m.indexOf(':') + 1);
                why = " (no NVML on this host: " + (cut > 0 ? m.substring(0, cut) : m) + ")";
            }
        }
        Load load = new Load();
        DaemonConfig config = DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                // Simulated GPUs cost nothing to read, so they are read 4 times a second: iterations of a
                // simulator running faster than real time last well under a second of wall time.
                .withGpu(sim > 0 ? GpuConfig.defaults().withSimulate(sim).withInterval("250ms") : GpuConfig.defaults());
        Daemon daemon = Daemon.start(config, Clock.systemUTC(), sim > 0 ? load : null);
        String description = "in-process aiwatch daemon " + io.aiwatch.daemon.Version.get()
                + (sim > 0 ? ", " + sim + " simulated H100(s)" : "") + why;
        boolean simulated = sim > 0;
        URI url = URI.create("http://127.0.0.1:" + daemon.port() + "/metrics");
        return new Started() {
            @Override
            public URI metricsUrl() {
                return url;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public boolean simulatedGpus() {
                return simulated;
            }

            @Override
            public AutoCloseable gpuLoad(DoubleSupplier source) {
                load.source = source;
                return () -> {
                    if (load.source == source) {
                        load.source = null;
                    }
                };
            }

            @Override
            public void close() {
                daemon.close();
            }
        };
    }

    /** The simulated GPUs' load: the current workload's signal, idle (0) between workloads. */
    private static final class Load implements DoubleSupplier {
        volatile DoubleSupplier source;

        @Override
        public double getAsDouble() {
            DoubleSupplier s = source;
            return s == null ? 0 : s.getAsDouble();
        }
    }
}
