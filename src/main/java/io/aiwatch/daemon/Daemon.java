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
import io.aiwatch.source.derived.TokenEnergyCollector;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.source.inference.InferenceCollectors;
import io.aiwatch.source.inference.InferenceConfig;
import io.aiwatch.source.inference.discovery.VllmDiscovery;
import io.aiwatch.source.jvm.JvmCollector;
import io.aiwatch.source.storage.FsStatter;
import io.aiwatch.source.storage.Statvfs;
import io.aiwatch.source.storage.StorageCollectors;
import io.aiwatch.tool.proxy.ProxyCollector;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.io.IOException;
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
     * @param proc     procfs root, where vLLM discovery looks for listening processes
     */
    record Host(String hostname, FsStatter statvfs, Function<SnapshotStore, CollectorRunner> runners, Path proc) {
        Host(String hostname, FsStatter statvfs, Function<SnapshotStore, CollectorRunner> runners) {
            this(hostname, statvfs, runners, Path.of("/proc"));
        }

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
        InferenceConfig inference = withSimulatorTarget(config.inference());
        InferenceCollectors.create(inference, clock).forEach(runner::start);
        if (inference.discovery().enabled()) {
            startDiscovery(config, inference, clock, host, gpuLoad);
        }
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
                    lines.addAll(discoveryLines(store));
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

    /**
     * vLLM discovery: a collector that starts and stops one inference collector per server found.
     * Simulated GPUs driven by a simulated engine in this process report this process as the one
     * holding their memory, so the process-to-GPU mapping (and energy per token) works end to end
     * on a machine without GPUs.
     */
    private void startDiscovery(
            DaemonConfig config, InferenceConfig inference, Clock clock, Host host, DoubleSupplier gpuLoad)
            throws ConfigException {
        if (gpu.backend() instanceof SimulatedGpuBackend sim && (simulator != null || gpuLoad != null)) {
            sim.holdBy(ProcessHandle.current().pid());
        }
        VllmDiscovery.Targets targets = new VllmDiscovery.Targets() {
            @Override
            public void start(Collector collector) {
                runner.start(collector);
            }

            @Override
            public void stop(String collectorName) {
                runner.stop(collectorName);
            }
        };
        try {
            runner.start(VllmDiscovery.create(
                    inference.discovery(),
                    inference,
                    config.kubernetes().enabled(),
                    host.hostname(),
                    host.proc(),
                    clock,
                    targets));
        } catch (IOException | IllegalStateException e) {
            abortStart();
            throw new ConfigException("inference.discovery: " + e.getMessage());
        }
        // joules per token of what discovery found, from the GPU collectors' energy and processes
        runner.start(new TokenEnergyCollector(store, config.gpu().intervalDuration()));
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

    /** One status-page line per discovered vLLM server, and one for servers over the bound. */
    static List<String> discoveryLines(SnapshotStore store) {
        VllmDiscovery.Status status = store.detail(VllmDiscovery.STATUS);
        List<String> lines = new ArrayList<>();
        if (status == null) {
            return lines;
        }
        for (VllmDiscovery.Found f : status.found()) {
            lines.add("vLLM " + f.target() + " at " + f.url() + " (" + f.origin()
                    + (f.pid() >= 0 ? ", pid " + f.pid() : "")
                    + (f.pod().isEmpty() ? "" : ", pod " + f.namespace() + "/" + f.pod()) + ")");
        }
        if (status.found().isEmpty()) {
            lines.add("vLLM discovery: no server found yet");
        }
        if (status.dropped() > 0) {
            lines.add("vLLM discovery: " + status.dropped() + " more servers over max_targets, not scraped");
        }
        if (status.lastError() != null) {
            lines.add("vLLM discovery: pod listing failed: " + status.lastError());
        }
        return lines;
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
