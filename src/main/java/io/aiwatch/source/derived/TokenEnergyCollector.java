package io.aiwatch.source.derived;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.source.gpu.GpuStatus;
import io.aiwatch.source.inference.discovery.VllmDiscovery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Joules per generated token and per finished request of each discovered vLLM server, live.
 *
 * <p>Each run reads from the store: which processes (a discovered server's process and its
 * descendants) hold memory on which GPU ({@link GpuStatus#PROCESSES}), each GPU's
 * {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION} (mJ since driver load) and the server's
 * {@code aiwatch_inference_generation_tokens_total} and
 * {@code aiwatch_inference_requests_finished_total}. It keeps their history for the longest
 * window and publishes, per window, energy of the server's GPUs over the window divided by the
 * tokens (requests) finished in it. A GPU used by several servers is split between them by their
 * share of the window's tokens. A window is shown once the history covers it and tokens
 * (requests) were counted in it.
 */
public final class TokenEnergyCollector implements Collector {
    /** The windows, as label value and length. */
    static final Map<String, Duration> WINDOWS = windows();

    private static final String ENERGY = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION";
    private static final String TOKENS = "aiwatch_inference_generation_tokens_total";
    private static final String REQUESTS = "aiwatch_inference_requests_finished_total";

    private final SnapshotStore store;
    private final Duration interval;
    private final EnergyWindows history = new EnergyWindows(Duration.ofMinutes(5));

    /** @param interval how often the joined reading is taken (the GPU collector's interval is a good choice) */
    public TokenEnergyCollector(SnapshotStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("1m", Duration.ofMinutes(1));
        w.put("5m", Duration.ofMinutes(5));
        return w;
    }

    @Override
    public String name() {
        return "inference-energy";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Snapshot collect() {
        Instant now = store.now();
        VllmDiscovery.Status found = store.detail(VllmDiscovery.STATUS);
        Map<String, Double> energyJ = energyByUuid();
        Map<String, EnergyWindows.Server> servers = new LinkedHashMap<>();
        Map<String, List<String[]>> gpusOf = new LinkedHashMap<>();
        if (found != null) {
            List<GpuStatus> processes = store.details(GpuStatus.PROCESSES);
            for (VllmDiscovery.Found f : found.found()) {
                List<String[]> gpus = new ArrayList<>();
                for (GpuStatus s : processes) {
                    for (GpuStatus.Device d : s.devices()) {
                        if (d.pids().stream().anyMatch(f.pids()::contains)) {
                            gpus.add(new String[] {
                                Integer.toString(d.info().index()), d.info().uuid()
                            });
                        }
                    }
                }
                double[] counts = counters(VllmDiscovery.collectorName(f.target()));
                if (counts == null) {
                    continue;
                }
                gpusOf.put(f.target(), gpus);
                servers.put(
                        f.target(),
                        new EnergyWindows.Server(
                                model(VllmDiscovery.collectorName(f.target())),
                                gpus.stream().map(g -> g[1]).toList(),
                                counts[0],
                                counts[1]));
            }
        }
        history.add(now, energyJ, servers);
        return Snapshot.of(families(gpusOf, servers));
    }

    private List<MetricFamily> families(Map<String, List<String[]>> gpusOf, Map<String, EnergyWindows.Server> servers) {
        var perToken = MetricFamily.builder(
                "aiwatch_inference_energy_per_output_token_joules",
                MetricType.GAUGE,
                "Energy of the server's GPUs over the window divided by the output tokens generated in it, joules.");
        var perRequest = MetricFamily.builder(
                "aiwatch_inference_energy_per_request_joules",
                MetricType.GAUGE,
                "Energy of the server's GPUs over the window divided by the requests finished in it, joules.");
        var gpuInfo = MetricFamily.builder(
                "aiwatch_inference_target_gpu_info",
                MetricType.GAUGE,
                "A GPU on which the vLLM server's process or its descendants hold memory.");
        gpusOf.forEach((target, gpus) -> {
            for (String[] g : gpus) {
                gpuInfo.add(Labels.of("target", target, "gpu", g[0], "UUID", g[1]), 1);
            }
        });
        for (var w : WINDOWS.entrySet()) {
            for (var r : history.over(w.getValue()).entrySet()) {
                String target = r.getKey();
                Labels l =
                        Labels.of("target", target, "model", servers.get(target).model(), "window", w.getKey());
                if (r.getValue().tokens() > 0) {
                    perToken.add(l, r.getValue().joules() / r.getValue().tokens());
                }
                if (r.getValue().requests() > 0) {
                    perRequest.add(l, r.getValue().joules() / r.getValue().requests());
                }
            }
        }
        return List.of(perToken.build(), perRequest.build(), gpuInfo.build());
    }

    /** Each GPU's cumulative energy in joules, by UUID, from whichever collector publishes it. */
    private Map<String, Double> energyByUuid() {
        Map<String, Double> out = new HashMap<>();
        for (CollectorState s : store.states()) {
            if (s.last() == null) {
                continue;
            }
            for (MetricFamily f : s.last().snapshot().families()) {
                if (f.name().equals(ENERGY)) {
                    for (Sample x : f.samples()) {
                        String uuid = x.labels().get("UUID");
                        if (uuid != null && x.labels().get("GPU_I_ID") == null) {
                            out.put(uuid, x.value() / 1000);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {tokens, requests} summed over the target's series, or null before its first scrape. */
    private double[] counters(String collector) {
        CollectorState s = store.state(collector);
        if (s == null || s.last() == null) {
            return null;
        }
        double[] c = new double[2];
        for (MetricFamily f : s.last().snapshot().families()) {
            int i = f.name().equals(TOKENS) ? 0 : f.name().equals(REQUESTS) ? 1 : -1;
            if (i >= 0) {
                for (Sample x : f.samples()) {
                    c[i] += x.value();
                }
            }
        }
        return c;
    }

    /** The model(s) the server serves, from its token series' {@code model} label, joined by commas. */
    private String model(String collector) {
        TreeSet<String> models = new TreeSet<>();
        CollectorState s = store.state(collector);
        for (MetricFamily f : s.last().snapshot().families()) {
            if (f.name().equals(TOKENS)) {
                for (Sample x : f.samples()) {
                    String m = x.labels().get("model");
                    if (m != null && !m.isEmpty()) {
                        models.add(m);
                    }
                }
            }
        }
        return String.join(",", models);
    }
}
