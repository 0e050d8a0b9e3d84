package io.aiwatch.source.inference.discovery;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.DetailKey;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.inference.DiscoveryConfig;
import io.aiwatch.source.inference.InferenceConfig;
import io.aiwatch.source.inference.VllmCollector;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Finds vLLM servers on this node and keeps one {@link VllmCollector} running per server found.
 *
 * <p>Each run (every {@code refresh_interval}, on its own collector thread, so never on a scrape)
 * lists candidates (listening sockets of local processes whose command line matches, see
 * {@link ListeningSockets}; pods of this node by annotation, see {@link PodLister}), probes the new
 * ones once with {@link MetricsProbe}, starts a collector for each vLLM among them through
 * {@link Targets}, and stops the collectors of servers that went away. At most
 * {@code max_targets} run; the rest are counted. Endpoints already listed in
 * {@code inference.targets} are not scraped twice, but are still matched to their process.
 */
public final class VllmDiscovery implements Collector {
    private static final Logger LOG = Logger.getLogger(VllmDiscovery.class.getName());

    /** Where discovered collectors go: the daemon's runner. */
    public interface Targets {
        void start(Collector collector);

        void stop(String collectorName);
    }

    /**
     * A vLLM server found on this node.
     *
     * @param target    the {@code target} label of its series
     * @param url       its metrics URL
     * @param origin    {@code process}, {@code pod}, or {@code configured} (listed in inference.targets)
     * @param pid       the listening process, or -1 (a pod seen only through the API server)
     * @param pids      the process and its descendants (vLLM's engine core and workers hold the GPUs)
     * @param namespace the pod's namespace, or empty
     * @param pod       the pod's name, or empty
     */
    public record Found(String target, URI url, String origin, long pid, Set<Long> pids, String namespace, String pod) {
        public Found {
            pids = Set.copyOf(pids);
        }
    }

    /**
     * What the last search saw, for the status page and the energy reading.
     *
     * @param found     servers in service
     * @param dropped   vLLM servers over {@code max_targets}, not scraped
     * @param lastError why the last pod listing failed, or null
     * @param at        when the search ran
     */
    public record Status(List<Found> found, int dropped, String lastError, Instant at) {
        public Status {
            found = List.copyOf(found);
        }
    }

    public static final DetailKey<Status> STATUS = DetailKey.of("vllm discovery", Status.class);

    private final DiscoveryConfig config;
    private final Map<URI, String> configured;
    private final ListeningSockets sockets;
    private final Pattern pattern;
    private final PodLister pods;
    private final MetricsProbe probe;
    private final Clock clock;
    private final Targets targets;
    private final Map<URI, Found> running = new LinkedHashMap<>();
    private long probes;
    private int dropped;
    private String lastError;

    /**
     * @param configured the URLs of {@code inference.targets} with their names
     * @param proc       procfs root
     * @param pods       the pod lister, or null when pods are not searched
     */
    VllmDiscovery(
            DiscoveryConfig config,
            Map<URI, String> configured,
            Path proc,
            PodLister pods,
            Clock clock,
            Targets targets) {
        this.config = config;
        this.configured = Map.copyOf(configured);
        this.sockets = new ListeningSockets(proc);
        this.pattern = Pattern.compile(config.processPattern());
        this.pods = pods;
        this.probe = new MetricsProbe(config.probe());
        this.clock = clock;
        this.targets = targets;
    }

    /**
     * Discovery as the daemon runs it: the host's {@code /proc}, and with pods on, the in-cluster
     * API server (or {@code api_server}) for {@code nodeName}.
     */
    public static VllmDiscovery create(
            DiscoveryConfig config,
            InferenceConfig inference,
            boolean kubernetesEnabled,
            String nodeName,
            Path proc,
            Clock clock,
            Targets targets)
            throws IOException {
        PodLister lister = null;
        if (config.podsOn(kubernetesEnabled)) {
            URI api = config.apiServer() == null ? PodLister.inCluster() : URI.create(config.apiServer());
            lister = new PodLister(api, nodeName, PodLister.SERVICE_ACCOUNT, config.annotations(), config.probe());
        }
        Map<URI, String> known = new LinkedHashMap<>();
        inference.targets().forEach(t -> known.put(t.url(), t.name()));
        return new VllmDiscovery(config, known, proc, lister, clock, targets);
    }

    /** As {@link #create} with the pod search given (tests: a fake API server and service-account directory). */
    static VllmDiscovery withPods(
            DiscoveryConfig config, URI api, String node, Path serviceAccount, Path proc, Clock clock, Targets targets)
            throws IOException {
        return new VllmDiscovery(
                config,
                Map.of(),
                proc,
                new PodLister(api, node, serviceAccount, config.annotations(), config.probe()),
                clock,
                targets);
    }

    @Override
    public String name() {
        return "inference-discovery";
    }

    @Override
    public Duration interval() {
        return config.refresh();
    }

    @Override
    public synchronized Snapshot collect() throws InterruptedException {
        Map<URI, Found> candidates = new LinkedHashMap<>();
        if (config.processes()) {
            Map<Long, List<Long>> children = null;
            for (ListeningSockets.Listener l : sockets.find(pattern, 4 * config.maxTargets() + 16)) {
                URI url = URI.create("http://" + l.host() + ":" + l.port() + "/metrics");
                if (children == null) {
                    children = childrenOfAll();
                }
                String name = l.host().replace("[", "").replace("]", "") + ":" + l.port();
                candidates.put(url, new Found(name, url, "process", l.pid(), tree(l.pid(), children), "", ""));
            }
        }
        if (pods != null) {
            try {
                for (PodLister.PodEndpoint p : pods.list()) {
                    String port = ":" + p.url().getPort();
                    String name = p.pod().substring(0, Math.min(p.pod().length(), 64 - port.length())) + port;
                    candidates.putIfAbsent(
                            p.url(), new Found(name, p.url(), "pod", -1, Set.of(), p.namespace(), p.pod()));
                }
                lastError = null;
            } catch (IOException e) {
                if (lastError == null) {
                    LOG.log(Level.WARNING, "vLLM pod discovery: " + e.getMessage());
                }
                lastError = e.getMessage();
            }
        }
        // gone: stop their collectors
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!candidates.containsKey(e.getKey())) {
                if (!e.getValue().origin().equals("configured")) {
                    targets.stop(collectorName(e.getValue().target()));
                    LOG.info("vLLM server " + e.getValue().target() + " at " + e.getKey() + " went away");
                }
                it.remove();
            }
        }
        int over = 0;
        for (Found c : candidates.values()) {
            Found known = running.get(c.url());
            if (known != null) {
                running.put(
                        c.url(),
                        new Found(known.target(), c.url(), known.origin(), c.pid(), c.pids(), c.namespace(), c.pod()));
                continue;
            }
            String name = configured.get(c.url());
            if (name != null) {
                running.put(c.url(), new Found(name, c.url(), "configured", c.pid(), c.pids(), "", ""));
                continue;
            }
            probes++;
            if (!probe.isVllm(c.url())) {
                continue;
            }
            if (running.values().stream()
                            .filter(f -> !f.origin().equals("configured"))
                            .count()
                    >= config.maxTargets()) {
                over++;
                continue;
            }
            String target = unique(c.target());
            Duration every = config.scrape();
            InferenceConfig.Target t = InferenceConfig.Target.of(
                    c.url().toString(),
                    target,
                    every.toMillis() + "ms",
                    Math.min(every.toMillis(), InferenceConfig.DEFAULT_TIMEOUT.toMillis()) + "ms");
            targets.start(new VllmCollector(t, clock));
            running.put(c.url(), new Found(target, c.url(), c.origin(), c.pid(), c.pids(), c.namespace(), c.pod()));
            LOG.info("found vLLM server " + target + " at " + c.url()
                    + (c.pid() >= 0 ? " (pid " + c.pid() + ")" : " (pod " + c.namespace() + "/" + c.pod() + ")"));
        }
        dropped = over;
        Status status = new Status(List.copyOf(running.values()), dropped, lastError, clock.instant());
        return Snapshot.of(families(), STATUS, status);
    }

    private String unique(String name) {
        String n = name;
        for (int i = 2; taken(n); i++) {
            n = name + "-" + i;
        }
        return n;
    }

    private boolean taken(String name) {
        return configured.containsValue(name)
                || running.values().stream().anyMatch(f -> f.target().equals(name));
    }

    private List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>();
        var info = MetricFamily.builder(
                "aiwatch_inference_discovered_target_info",
                MetricType.GAUGE,
                "A vLLM server found on this node (origin process, pod or configured), with its process and pod.");
        for (Found f : running.values()) {
            info.add(
                    Labels.of(
                            "target",
                            f.target(),
                            "origin",
                            f.origin(),
                            "pid",
                            f.pid() < 0 ? "" : Long.toString(f.pid()),
                            "namespace",
                            f.namespace(),
                            "pod",
                            f.pod()),
                    1);
        }
        out.add(info.build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_discovery_dropped_targets",
                        MetricType.GAUGE,
                        "vLLM servers found beyond inference.discovery.max_targets, not scraped.")
                .add(Labels.of(), dropped)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_discovery_probes_total",
                        MetricType.COUNTER,
                        "GET /metrics probes of candidate endpoints (new listeners or pods).")
                .add(Labels.of(), probes)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_discovery_pod_list_up",
                        MetricType.GAUGE,
                        "1 when the last pod listing from the API server succeeded (or pods are not searched), else 0.")
                .add(Labels.of(), lastError == null ? 1 : 0)
                .build());
        return out;
    }

    /** The collector name the runner knows a discovered target by. */
    public static String collectorName(String target) {
        return "inference-" + target;
    }

    /** Every process's children, from the ppid field of PID/stat. */
    private Map<Long, List<Long>> childrenOfAll() {
        Map<Long, List<Long>> children = new LinkedHashMap<>();
        for (long pid : sockets.pids()) {
            long parent = sockets.parent(pid);
            if (parent > 0) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(pid);
            }
        }
        return children;
    }

    private static Set<Long> tree(long root, Map<Long, List<Long>> children) {
        Set<Long> out = new java.util.LinkedHashSet<>();
        List<Long> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty() && out.size() < 4096) {
            long p = todo.remove(todo.size() - 1);
            if (out.add(p)) {
                todo.addAll(children.getOrDefault(p, List.of()));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        for (Found f : running.values()) {
            if (!f.origin().equals("configured")) {
                targets.stop(collectorName(f.target()));
            }
        }
        running.clear();
        probe.close();
    }
}
