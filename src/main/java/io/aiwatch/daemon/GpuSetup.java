package io.aiwatch.daemon;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.config.ConfigException;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.DeviceSelection;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.GpuInstance;
import io.aiwatch.source.gpu.GpuStatus;
import io.aiwatch.source.gpu.GpuTopologyCollector;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.SeriesAttribution;
import io.aiwatch.source.gpu.TopologySource;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import io.aiwatch.source.gpu.nvml.NvmlTopology;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.source.gpu.sim.SimulatedTopology;
import io.aiwatch.source.kubernetes.KubernetesConfig;
import io.aiwatch.source.kubernetes.PodAttribution;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Chooses the GPU backend (simulated GPUs, or NVML) and builds the fast and slow GPU
 * collectors. When NVML cannot be loaded the daemon still runs: the {@code gpu} collector is
 * registered as down with the reason, which {@code /ready} and the status page show.
 */
public final class GpuSetup implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GpuSetup.class.getName());

    private final GpuBackend backend;
    private final List<Collector> collectors;
    private final SnapshotStore store;
    private final PodAttribution pods;

    private GpuSetup(GpuBackend backend, List<Collector> collectors, SnapshotStore store, PodAttribution pods) {
        this.backend = backend;
        this.collectors = collectors;
        this.store = store;
        this.pods = pods;
    }

    /**
     * @param simulatedLoad utilisation 0–1 that drives simulated GPUs (the in-daemon vLLM simulator's
     *                      busy fraction), or null for their built-in load pattern
     * @param hostname      the host label's value ({@link #hostname()} on a real node)
     */
    static GpuSetup create(
            GpuConfig config,
            KubernetesConfig kubernetes,
            Clock clock,
            SnapshotStore store,
            List<String> notes,
            java.util.function.DoubleSupplier simulatedLoad,
            String hostname)
            throws ConfigException {
        if (!config.enabled()) {
            return new GpuSetup(null, List.of(), store, null);
        }
        CountersFile.Selection selection = selection(config);
        for (String s : selection.skipped()) {
            notes.add("counters file field not exported: " + s);
            LOG.info("counters file field not exported: " + s);
        }
        GpuBackend backend;
        if (config.simulate() > 0) {
            backend = new SimulatedGpuBackend(
                    config.simulate(), config.simulateSeed(), config.simulateAmbientCelsius(), clock, simulatedLoad);
        } else {
            try {
                backend = NvmlLoader.load(Optional.ofNullable(config.library()).map(Path::of));
            } catch (Exception e) {
                String reason = "NVML unavailable: " + e.getMessage();
                LOG.warning(reason + "; serving without GPU metrics");
                store.registerDisabled("gpu", config.intervalDuration(), reason);
                return new GpuSetup(null, List.of(), store, null);
            }
        }
        GpuHealth health = new GpuHealth();
        String hostnameLabel = config.hostnameLabel().equals("none") ? null : config.hostnameLabel();
        PodAttribution pods = kubernetes.enabled()
                ? new PodAttribution(kubernetes, GpuInstance.attributionKeys(backend), clock)
                : null;
        var settings = new GpuCollector.Settings(
                hostnameLabel,
                hostname,
                config.processLimit(),
                DeviceSelection.parse(config.devices()),
                config.replaceBlanksInModelName(),
                pods == null ? SeriesAttribution.NONE : pods);
        ProcessIdentity processes = new ProcessIdentity(Path.of("/proc"));
        List<Collector> collectors = new ArrayList<>(GpuCollector.all(
                backend,
                selection,
                config.intervalDuration(),
                config.slowIntervalDuration(),
                health,
                settings,
                processes));
        if (pods != null) {
            collectors.add(pods);
        }
        TopologySource topology = topologySource(config, backend);
        if (topology != null) {
            collectors.add(
                    new GpuTopologyCollector(topology, backend.devices(), GpuTopologyCollector.DEFAULT_INTERVAL));
        }
        LOG.info(backend.name() + " GPU backend: " + backend.devices().size() + " device(s), driver "
                + backend.driverVersion());
        return new GpuSetup(backend, List.copyOf(collectors), store, pods);
    }

    /** NVLink topology: a fixed HGX-like layout for simulated GPUs, else NVML's; null when NVML refuses. */
    private static TopologySource topologySource(GpuConfig config, GpuBackend backend) {
        if (backend instanceof SimulatedGpuBackend) {
            return new SimulatedTopology(backend.devices());
        }
        try {
            return NvmlTopology.open(Optional.ofNullable(config.library()).map(Path::of), backend.devices());
        } catch (GpuCallException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warning("GPU topology unavailable: " + e.getMessage());
            return null;
        }
    }

    /** Lines for the status page beside the collectors (pod attribution's last read). */
    public List<String> statusLines() {
        return pods == null ? List.of() : List.of(pods.status());
    }

    private static CountersFile.Selection selection(GpuConfig config) throws ConfigException {
        if (config.collectorsFile() == null) {
            return CountersFile.defaults();
        }
        try {
            return CountersFile.load(Path.of(config.collectorsFile()));
        } catch (IOException e) {
            throw new ConfigException(config.collectorsFile() + ": cannot read counters file: " + e.getMessage());
        } catch (CountersFile.InvalidCountersFileException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** {@code NODE_NAME} (set by Kubernetes downward API, as dcgm-exporter reads it), else the host name. */
    static String hostname() {
        String node = System.getenv("NODE_NAME");
        if (node != null && !node.isBlank()) {
            return node;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    List<Collector> collectors() {
        return collectors;
    }

    /** The backend in use, or null when GPU collection is off or unavailable. */
    public GpuBackend backend() {
        return backend;
    }

    /** PIDs of processes holding GPU memory, from the slow collector's last snapshot. */
    public Set<Long> gpuPids() {
        Set<Long> pids = new HashSet<>();
        for (GpuStatus status : store.details(GpuStatus.PROCESSES)) {
            status.devices().forEach(d -> pids.addAll(d.pids()));
        }
        return pids;
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
