package io.aiwatch.cli;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.config.ListenAddress;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aiwatch daemon}: collect and serve. Flags override the YAML file; every dcgm-exporter flag
 * and {@code DCGM_EXPORTER_*} variable is accepted ({@link DcgmExporterFlags}) so a drop-in
 * replacement needs no new arguments.
 */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        modelTransformer = DcgmExporterFlags.class,
        description = "Collect GPU (and other) metrics and serve them for Prometheus on :9400.")
public final class DaemonCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(DaemonCommand.class.getName());

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration file (see docs/CONFIGURATION.md).")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where to serve (default :9400).")
    String listen;

    @Option(
            names = "--simulate-gpus",
            paramLabel = "N",
            description = "Simulate N H100 GPUs instead of reading NVML (demo, tests).")
    Integer simulateGpus;

    @Option(
            names = "--simulate-vllm",
            paramLabel = "PORT",
            description =
                    "Also run a vLLM-compatible simulator on PORT; the daemon scrapes it and its load drives the simulated GPUs.")
    Integer simulateVllmPort;

    @Option(
            names = "--nvml-library",
            paramLabel = "PATH",
            description = "Path of libnvidia-ml.so.1 when it is not on the loader path.")
    String nvmlLibrary;

    @Option(
            names = "--hostname-label",
            paramLabel = "NAME",
            description = "Host label name: Hostname (dcgm-exporter <= 4.8.2, default) or hostname (newer).")
    String hostnameLabel;

    @Option(
            names = "--web.config.file",
            paramLabel = "FILE",
            description =
                    "exporter-toolkit web-config file: TLS, mTLS, basic auth, response headers (docs/SECURITY.md).")
    String webConfigFile;

    @Option(
            names = "--unauthenticated-paths",
            paramLabel = "PATHS",
            split = ",",
            defaultValue = "${env:AIWATCH_UNAUTHENTICATED_PATHS}",
            description =
                    "Paths served without basic auth, e.g. /health,/ready for Kubernetes probes [$AIWATCH_UNAUTHENTICATED_PATHS].")
    java.util.List<String> unauthenticatedPaths;

    @Option(
            names = "--log.level",
            paramLabel = "LEVEL",
            defaultValue = "${env:AIWATCH_LOG_LEVEL}",
            description = "debug, info, warn or error (default info) [$AIWATCH_LOG_LEVEL].")
    String logLevel;

    @Option(
            names = "--log.format",
            paramLabel = "FORMAT",
            defaultValue = "${env:AIWATCH_LOG_FORMAT}",
            description = "logfmt (default) or json, one record per line on stderr [$AIWATCH_LOG_FORMAT].")
    String logFormat;

    @Spec
    CommandSpec spec;

    /** Environment read for dcgm-exporter's variables; tests replace it. */
    Map<String, String> environment = System.getenv();

    /** Builds the effective configuration: file, then dcgm-exporter's variables and flags, then aiwatch's flags. */
    DaemonConfig effectiveConfig() throws ConfigException {
        DaemonConfig cfg =
                config == null ? DaemonConfig.defaults() : new ConfigLoader().load(config, DaemonConfig.class);
        DcgmExporterSettings dcgmExporter = DcgmExporterSettings.resolve(spec, environment);
        LogSetup.apply(dcgmExporter, logLevel, logFormat);
        dcgmExporter.warnings().forEach(LOG::warning);
        cfg = dcgmExporter.applyTo(cfg);
        try {
            if (listen != null) {
                ListenAddress.parse(listen);
                cfg = cfg.withListen(listen);
            }
            var gpu = cfg.gpu();
            if (simulateGpus != null) {
                gpu = gpu.withSimulate(simulateGpus);
            }
            if (nvmlLibrary != null) {
                gpu = gpu.withLibrary(nvmlLibrary);
            }
            if (hostnameLabel != null) {
                gpu = gpu.withHostnameLabel(hostnameLabel);
            }
            if (simulateVllmPort != null) {
                var sim =
                        cfg.simulator() != null ? cfg.simulator() : io.aiwatch.tool.vllmsim.SimulatorConfig.defaults();
                cfg = cfg.withSimulator(sim.withListen("127.0.0.1", simulateVllmPort));
            }
            if (unauthenticatedPaths != null && !unauthenticatedPaths.isEmpty()) {
                cfg = cfg.withHttp(cfg.http().withUnauthenticatedPaths(unauthenticatedPaths));
            }
            if (webConfigFile != null) {
                cfg = cfg.withHttp(cfg.http().withWebConfigFile(webConfigFile));
            }
            return cfg.withGpu(gpu);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("command line: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Daemon daemon;
        try {
            daemon = Daemon.start(effectiveConfig(), Clock.systemUTC());
        } catch (ConfigException e) {
            System.err.println("aiwatch: configuration error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            // Expected failures (port in use, unreadable files) as one line; the stack trace at debug level.
            LOG.log(Level.SEVERE, "cannot start: " + LogLine.chain(e), LOG.isLoggable(Level.FINE) ? e : null);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        stopped.await();
        return 0;
    }
}
