package io.aiwatch.daemon;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ListenAddress;
import io.aiwatch.reader.alert.AlertingService;
import io.aiwatch.reader.alert.notify.AlertmanagerSender;
import io.aiwatch.reader.exposition.ExpositionRenderer;
import io.aiwatch.reader.http.DaemonServer;
import io.aiwatch.reader.http.security.HardenedServer;
import io.aiwatch.reader.http.security.ScrapeLimiter;
import io.aiwatch.reader.http.security.WebConfigException;
import io.aiwatch.reader.http.security.WebSecurity;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.reader.otlp.OtlpExporter;
import io.aiwatch.source.inference.InferenceCollectors;
import io.aiwatch.source.inference.InferenceConfig;
import io.aiwatch.source.jvm.JvmCollector;
import io.aiwatch.source.storage.FsStatter;
import io.aiwatch.source.storage.Statvfs;
import io.aiwatch.source.storage.StorageCollectors;
import io.aiwatch.tool.proxy.ProxyCollector;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The assembled daemon: store, collectors on their runner, and the readers (HTTP, OTLP, alert
 * evaluator). Every family reaches the readers through the store: the readers' own self-metrics
 * (HTTP security and scrape cap, alerting, OTLP) and the JVM's are collectors too, so /metrics
 * and OTLP serve the same set. Built from a validated {@link DaemonConfig}; tests start it on
 * port 0 and stop it with {@link #close()}.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** How often the readers' self-metrics are published: counters that change on every scrape or push. */
    static final Duration SELF_METRICS_INTERVAL = Duration.ofSeconds(1);

    private final SnapshotStore store;
    private final CollectorRunner runner;
    private final DaemonServer server;
    private final GpuSetup gpu;
    private final VllmSimulator simulator;
    private final OtlpExporter otlp;
    private final AlertingService alerting;
    private final GenAiSpans spans;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final int port;

    /**
     * What the daemon takes from the machine besides its config: {@link #machine()} when it runs,
     * fixed values where a test needs a reproducible node (the golden exposition).
     *
     * @param hostname the value of the GPU families' host label
     * @param statvfs  filesystem sizes for the storage collectors
     * @param runners  how collectors run: each on its own thread, or stepped by the caller
     */
    record Host(String hostname, FsStatter statvfs, Function<SnapshotStore, CollectorRunner> runners) {
        static Host machine() {
            return new Host(GpuSetup.hostname(), new Statvfs(), CollectorRunner::new);
        }
    }

    private Daemon(DaemonConfig config, Clock clock, DoubleSupplier gpuLoad, Host host) throws ConfigException {
        this.store = new SnapshotStore(clock);
        this.runner = host.runners().apply(store);
        try {
            // request spans of the in-daemon proxy go to the otlp: collector
            this.spans = config.proxy() == null
                    ? null
                    : GenAiSpans.fromConfig(config.otlp(), System.getenv(), Version.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        this.simulator = config.simulator() == null ? null : VllmSimulator.start(config.simulator());
        this.gpu = GpuSetup.create(
                config.gpu(),
                config.kubernetes(),
                clock,
                store,
                notes,
                gpuLoad != null ? gpuLoad : simulator,
                host.hostname());
        gpu.collectors().forEach(runner::start);
        InferenceCollectors.create(withSimulatorTarget(config.inference()), clock)
                .forEach(runner::start);
        if (config.proxy() != null) {
            runner.start(ProxyCollector.start(config.proxy(), config.gpu().intervalDuration(), spans));
        }
        StorageCollectors.create(config.storage(), clock, gpu::gpuPids, host.statvfs())
                .forEach(runner::start);
        AlertingService rules = null;
        if (config.alerting().enabled()) {
            try {
                rules = AlertingService.create(config.alerting(), store, clock, AlertmanagerSender.Settings.defaults());
            } catch (ConfigException e) {
                abortStart();
                throw e;
            }
        }
        this.alerting = rules;
        WebSecurity security;
        try {
            security = WebSecurity.load(
                            Optional.ofNullable(config.http().webConfigFile()).map(Path::of))
                    .withUnauthenticatedPaths(config.http().unauthenticatedPaths());
        } catch (WebConfigException e) {
            abortStart();
            throw new ConfigException(e.getMessage());
        }
        HardenedServer hardened = new HardenedServer(config.http().hardening());
        ScrapeLimiter limiter = new ScrapeLimiter(config.http().hardening().maxConcurrentScrapes());
        try {
            this.otlp = OtlpExporter.fromConfig(config.otlp(), System.getenv(), store, Version.get(), clock);
        } catch (IllegalArgumentException e) {
            abortStart();
            throw new ConfigException(e.getMessage());
        }
        runner.start(Collector.of("http", SELF_METRICS_INTERVAL, () -> {
            List<MetricFamily> families = new ArrayList<>(security.families());
            families.addAll(limiter.families());
            return families;
        }));
        if (alerting != null) {
            runner.start(Collector.of("alerting", SELF_METRICS_INTERVAL, alerting::families));
        }
        if (otlp != null) {
            runner.start(Collector.of("otlp", SELF_METRICS_INTERVAL, otlp::families));
        }
        runner.start(new JvmCollector());
        ExpositionRenderer renderer = new ExpositionRenderer(store);
        this.server = new DaemonServer(
                store,
                renderer,
                Version.get(),
                () -> {
                    List<String> lines = new ArrayList<>(notes);
                    lines.addAll(gpu.statusLines());
                    return lines;
                },
                ListenAddress.parse(config.listen()),
                security,
                hardened,
                limiter);
        this.port = server.start();
        if (alerting != null) {
            alerting.start();
        }
        LOG.info("aiwatch " + Version.get() + " serving on " + config.listen() + " (port " + port + ")");
    }

    /** Stops what was started before a configuration error ended start-up. */
    private void abortStart() {
        if (alerting != null) {
            alerting.close();
        }
        runner.close();
        if (spans != null) {
            spans.close();
        }
        gpu.close();
        if (simulator != null) {
            simulator.close();
        }
    }

    /** The in-daemon simulator, when configured, is scraped like any vLLM endpoint. */
    private InferenceConfig withSimulatorTarget(InferenceConfig inference) {
        if (simulator == null) {
            return inference;
        }
        List<InferenceConfig.Target> targets = new ArrayList<>(inference.targets());
        targets.add(InferenceConfig.Target.of(
                "http://127.0.0.1:" + simulator.port() + "/metrics", "simulator", "1s", "500ms"));
        return inference.withTargets(targets);
    }

    /** The vLLM simulator running inside the daemon, or null. */
    public VllmSimulator simulator() {
        return simulator;
    }

    /** Validates the rest of the configuration (files it names, ...) and starts everything. */
    public static Daemon start(DaemonConfig config, Clock clock) throws ConfigException {
        return new Daemon(config, clock, null, Host.machine());
    }

    /**
     * Like {@link #start(DaemonConfig, Clock)}, with the simulated GPUs' utilisation (0–1) taken
     * from {@code gpuLoad} instead of the in-daemon simulator or the built-in pattern; the
     * experiment runner points it at the simulator a workload started.
     */
    public static Daemon start(DaemonConfig config, Clock clock, DoubleSupplier gpuLoad) throws ConfigException {
        return new Daemon(config, clock, gpuLoad, Host.machine());
    }

    /** As {@link #start(DaemonConfig, Clock)} on another {@link Host}. */
    static Daemon start(DaemonConfig config, Clock clock, Host host) throws ConfigException {
        return new Daemon(config, clock, null, host);
    }

    /** The runner of the collectors; a test on a manual {@link Host} steps it. */
    CollectorRunner runner() {
        return runner;
    }

    /** The bound HTTP port. */
    public int port() {
        return port;
    }

    public SnapshotStore store() {
        return store;
    }

    /** The OTLP exporter, or null when OTLP is off. */
    public OtlpExporter otlp() {
        return otlp;
    }

    /** Request spans of the in-daemon proxy, or null (no proxy, or OTLP off). */
    public GenAiSpans spans() {
        return spans;
    }

    /** The GPU wiring, giving tests access to the simulated backend. */
    public GpuSetup gpu() {
        return gpu;
    }

    @Override
    public void close() {
        if (alerting != null) {
            alerting.close();
        }
        if (otlp != null) {
            otlp.close();
        }
        server.close();
        runner.close();
        if (spans != null) {
            spans.close();
        }
        gpu.close();
        if (simulator != null) {
            simulator.close();
        }
    }
}
