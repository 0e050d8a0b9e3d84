package io.aiwatch.source.gpu;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The {@code gpu_topology} collector: NVLink topology as metrics and as a {@link GpuTopology} detail for
 * the status page. Its own slow schedule (a minute by default), because links change only when one
 * fails and reading 18 links of 8 GPUs is ~300 NVML calls.
 *
 * <p>Every label value is bounded by the hardware: GPU indexes and UUIDs, link numbers 0–17, and the
 * fixed words of {@link GpuTopology.RemoteType}, {@link GpuTopology.PciePath} and
 * {@link GpuTopology.P2pStatus}. A GPU without NVLink (NOT_SUPPORTED) yields no series and no log
 * line; any other error is logged once per function and code.
 */
public final class GpuTopologyCollector implements Collector {
    private static final Logger LOG = Logger.getLogger(GpuTopologyCollector.class.getName());

    /** The default interval between two reads of the topology. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    static final String LINK_ACTIVE = "aiwatch_gpu_nvlink_link_active";
    static final String PAIR_LINKS = "aiwatch_gpu_nvlink_links";
    static final String PAIR_INFO = "aiwatch_gpu_pair_info";

    private final TopologySource source;
    private final Duration interval;
    private final Map<Integer, String> uuids = new HashMap<>();
    private final Set<String> logged = new HashSet<>();

    /**
     * @param source   NVML or simulated
     * @param devices  the GPUs (index and UUID label values)
     * @param interval time between reads
     */
    public GpuTopologyCollector(TopologySource source, List<GpuDeviceInfo> devices, Duration interval) {
        this.source = source;
        this.interval = interval;
        devices.forEach(d -> uuids.put(d.index(), d.uuid()));
    }

    @Override
    public String name() {
        return "gpu_topology";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Snapshot collect() {
        TopologySource.Reading reading = source.read();
        for (GpuCallException e : reading.problems()) {
            if (logged.add(e.function() + "/" + e.rawCode())) {
                LOG.warning("GPU topology: " + e.getMessage() + " (logged once)");
            }
        }
        return Snapshot.of(families(reading.topology()), GpuTopology.KEY, reading.topology());
    }

    /** The three families of a topology; none when it is empty. */
    List<MetricFamily> families(GpuTopology t) {
        var active = MetricFamily.builder(
                LINK_ACTIVE,
                MetricType.GAUGE,
                "1 when NVML reports the NVLink up, 0 when down; remote_type is what the far end is (gpu, nvswitch)"
                        + " and peer_gpu the local GPU there.");
        for (GpuTopology.Link l : t.links()) {
            Labels labels = gpu(l.gpu())
                    .and("link", Integer.toString(l.link()))
                    .and("remote_type", l.remoteType().label());
            if (l.peerGpu() >= 0) {
                labels = labels.and(peer(l.peerGpu()));
            }
            active.add(labels, l.active() ? 1 : 0);
        }
        var links = MetricFamily.builder(
                PAIR_LINKS,
                MetricType.GAUGE,
                "Active NVLinks joining gpu to peer_gpu: via=direct counts links between the two, via=nvswitch the"
                        + " smaller of the two GPUs' link counts to the NVSwitches.");
        var info = MetricFamily.builder(
                PAIR_INFO,
                MetricType.GAUGE,
                "1 per ordered GPU pair: path as nvidia-smi topo -m writes it (NV<links> or the PCIe path),"
                        + " pcie_path (PIX, PXB, PHB, NODE, SYS) and NVML's NVLink peer-to-peer status.");
        for (GpuTopology.Pair p : t.pairs()) {
            Labels pair = gpu(p.gpu()).and(peer(p.peerGpu()));
            if (p.directLinks() > 0) {
                links.add(pair.and("via", "direct"), p.directLinks());
            }
            if (p.switchLinks() > 0) {
                links.add(pair.and("via", "nvswitch"), p.switchLinks());
            }
            if (p.pciePath() != GpuTopology.PciePath.UNKNOWN || p.nvlinkP2p() != null || p.nvlinks() > 0) {
                info.add(
                        pair.and("path", p.matrixCell())
                                .and("pcie_path", p.pciePath().label())
                                .and(
                                        "nvlink_p2p",
                                        p.nvlinkP2p() == null
                                                ? "Unknown"
                                                : p.nvlinkP2p().label()),
                        1);
            }
        }
        List<MetricFamily> out = new ArrayList<>();
        for (var b : List.of(active, links, info)) {
            if (!b.isEmpty()) {
                out.add(b.build());
            }
        }
        return out;
    }

    private Labels gpu(int index) {
        return Labels.of("gpu", Integer.toString(index), "UUID", uuids.getOrDefault(index, ""));
    }

    private Labels peer(int index) {
        return Labels.of("peer_gpu", Integer.toString(index), "peer_uuid", uuids.getOrDefault(index, ""));
    }

    @Override
    public void close() {
        source.close();
    }
}
