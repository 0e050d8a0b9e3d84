package io.aiwatch.cli;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.config.ListenAddress;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aiwatch daemon}: collect and serve. Flags override the YAML file; dcgm-exporter's own
 * spellings ({@code -f/--collectors}, {@code -a/--address}, {@code -c/--collect-interval} in ms,
 * {@code -n/--no-hostname}) are accepted so a drop-in replacement needs no new arguments.
 */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Collect GPU (and other) metrics and serve them for Prometheus on :9400.")
public final class DaemonCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration file (see docs/CONFIGURATION.md).")
    Path config;

    @Option(
            names = {"--listen", "-a", "--address"},
            paramLabel = "HOST:PORT",
            description = "Where to serve (default :9400).")
    String listen;

    @Option(
            names = {"-f", "--collectors"},
            paramLabel = "CSV",
            description = "dcgm-exporter counters CSV choosing the GPU fields (default: default-counters.csv).")
    String collectorsFile;

    @Option(
            names = {"-c", "--collect-interval"},
            paramLabel = "MS",
            description = "GPU sampling interval in milliseconds (default 1000).")
    Long collectIntervalMillis;

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
            names = {"-n", "--no-hostname"},
            description = "Omit the host label, as dcgm-exporter's -n does.")
    boolean noHostname;

    @Option(
            names = {"--web.config.file", "--web-config-file"},
            paramLabel = "FILE",
            description =
                    "exporter-toolkit web-config file: TLS, mTLS, basic auth, response headers (docs/SECURITY.md).")
    String webConfigFile;

    /** Builds the effective configuration: file, then flags. */
    DaemonConfig effectiveConfig() throws ConfigException {
        DaemonConfig cfg =
                config == null ? DaemonConfig.defaults() : new ConfigLoader().load(config, DaemonConfig.class);
        try {
            if (listen != null) {
                ListenAddress.parse(listen);
                cfg = cfg.withListen(listen);
            }
            var gpu = cfg.gpu();
            if (collectorsFile != null) {
                gpu = gpu.withCollectorsFile(collectorsFile);
            }
            if (collectIntervalMillis != null) {
                gpu = gpu.withInterval(collectIntervalMillis + "ms");
            }
            if (simulateGpus != null) {
                gpu = gpu.withSimulate(simulateGpus);
            }
            if (nvmlLibrary != null) {
                gpu = gpu.withLibrary(nvmlLibrary);
            }
            if (hostnameLabel != null) {
                gpu = gpu.withHostnameLabel(hostnameLabel);
            }
            if (noHostname) {
                gpu = gpu.withHostnameLabel("none");
            }
            if (simulateVllmPort != null) {
                var sim =
                        cfg.simulator() != null ? cfg.simulator() : io.aiwatch.tool.vllmsim.SimulatorConfig.defaults();
                cfg = cfg.withSimulator(sim.withListen("127.0.0.1", simulateVllmPort));
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
