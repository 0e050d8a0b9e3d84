package io.aiwatch.source.gpu.sim;

import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.GpuTopology;
import io.aiwatch.source.gpu.GpuTopology.Link;
import io.aiwatch.source.gpu.GpuTopology.P2pStatus;
import io.aiwatch.source.gpu.GpuTopology.PciePath;
import io.aiwatch.source.gpu.GpuTopology.RemoteType;
import io.aiwatch.source.gpu.TopologySource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The interconnect of simulated GPUs, laid out like an HGX H100 board so the demo shows a topology:
 * every GPU has its 18 NVLinks up to four NVSwitches (5, 4, 4 and 5 links), the first half of the GPUs
 * hangs off one CPU socket and the second half off the other (PCIe path NODE within a half, SYS across),
 * and NVLink peer-to-peer is OK everywhere. One simulated GPU has no links, like a PCIe card alone.
 */
public final class SimulatedTopology implements TopologySource {
    private static final int[] LINKS_PER_SWITCH = {5, 4, 4, 5};

    private final GpuTopology topology;

    public SimulatedTopology(List<GpuDeviceInfo> devices) {
        this.topology = layout(devices.stream().map(GpuDeviceInfo::index).toList());
    }

    static GpuTopology layout(List<Integer> gpus) {
        if (gpus.size() < 2) {
            return GpuTopology.EMPTY;
        }
        List<Link> links = new ArrayList<>();
        for (int gpu : gpus) {
            int link = 0;
            for (int sw = 0; sw < LINKS_PER_SWITCH.length; sw++) {
                String bus = String.format(Locale.ROOT, "00000000:%02X:00.0", 0x05 + sw);
                for (int i = 0; i < LINKS_PER_SWITCH[sw]; i++) {
                    links.add(new Link(gpu, link++, true, RemoteType.NVSWITCH, bus, -1));
                }
            }
        }
        Map<Long, PciePath> paths = new HashMap<>();
        Map<Long, P2pStatus> p2p = new HashMap<>();
        int half = (gpus.size() + 1) / 2;
        for (int a = 0; a < gpus.size(); a++) {
            for (int b = 0; b < gpus.size(); b++) {
                if (a == b) {
                    continue;
                }
                if (a < b) {
                    paths.put(
                            GpuTopology.key(gpus.get(a), gpus.get(b)),
                            (a < half) == (b < half) ? PciePath.NODE : PciePath.SYS);
                }
                p2p.put(GpuTopology.key(gpus.get(a), gpus.get(b)), P2pStatus.OK);
            }
        }
        return GpuTopology.of(gpus, links, paths, p2p);
    }

    @Override
    public Reading read() {
        return new Reading(topology, List.of());
    }
}
