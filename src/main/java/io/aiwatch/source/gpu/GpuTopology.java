package io.aiwatch.source.gpu;

import io.aiwatch.collect.DetailKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the GPUs of one host are joined: every NVLink NVML reports and, per ordered pair of GPUs,
 * how many active links join them (directly or through NVSwitches), the PCIe path between them and
 * whether NVML says peer-to-peer over NVLink works. Read at start and then on a slow schedule by
 * {@link GpuTopologyCollector}; the status page shows it.
 *
 * @param links every NVLink of every GPU that NVML answered for, by GPU then link number
 * @param pairs every ordered pair of distinct GPUs (a, b) with a != b, by a then b
 */
public record GpuTopology(List<Link> links, List<Pair> pairs) {
    /** The status page finds the last topology under this key. */
    public static final DetailKey<GpuTopology> KEY = DetailKey.of("gpu topology", GpuTopology.class);

    /** Hopper's NVML_NVLINK_MAX_LINKS: link numbers are 0 to 17. */
    public static final int MAX_LINKS = 18;

    public static final GpuTopology EMPTY = new GpuTopology(List.of(), List.of());

    public GpuTopology {
        links = List.copyOf(links);
        pairs = List.copyOf(pairs);
    }

    /** What the far end of a link is ({@code nvmlIntNvLinkDeviceType_t}); the {@code remote_type} label. */
    public enum RemoteType {
        GPU("gpu"),
        IBM_NPU("ibmnpu"),
        NVSWITCH("nvswitch"),
        UNKNOWN("unknown");

        private final String label;

        RemoteType(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** NVML_NVLINK_DEVICE_TYPE_GPU 0, _IBMNPU 1, _SWITCH 2, anything else unknown (0xFF). */
        public static RemoteType ofNvml(int code) {
            return switch (code) {
                case 0 -> GPU;
                case 1 -> IBM_NPU;
                case 2 -> NVSWITCH;
                default -> UNKNOWN;
            };
        }
    }

    /**
     * The PCIe path between two GPUs ({@code nvmlGpuTopologyLevel_t}), named as {@code nvidia-smi topo -m}
     * names it; the {@code pcie_path} label.
     */
    public enum PciePath {
        /** Same board (NVML_TOPOLOGY_INTERNAL, 0). */
        INTERNAL("internal"),
        /** At most one PCIe switch (NVML_TOPOLOGY_SINGLE, 10). */
        PIX("PIX"),
        /** Several PCIe switches, no host bridge (NVML_TOPOLOGY_MULTIPLE, 20). */
        PXB("PXB"),
        /** Through a PCIe host bridge (NVML_TOPOLOGY_HOSTBRIDGE, 30). */
        PHB("PHB"),
        /** Between host bridges of one NUMA node (NVML_TOPOLOGY_NODE, 40). */
        NODE("NODE"),
        /** Across the CPUs' interconnect (NVML_TOPOLOGY_SYSTEM, 50). */
        SYS("SYS"),
        /** NVML did not say. */
        UNKNOWN("unknown");

        private final String label;

        PciePath(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static PciePath ofNvml(int level) {
            return switch (level) {
                case 0 -> INTERNAL;
                case 10 -> PIX;
                case 20 -> PXB;
                case 30 -> PHB;
                case 40 -> NODE;
                case 50 -> SYS;
                default -> UNKNOWN;
            };
        }
    }

    /**
     * NVML's answer to "can these two GPUs use peer-to-peer over NVLink" ({@code nvmlGpuP2PStatus_t} for
     * NVML_P2P_CAPS_INDEX_NVLINK); the {@code nvlink_p2p} label, spelled like dcgm-exporter's
     * {@code link_status} values.
     */
    public enum P2pStatus {
        OK("OK"),
        CHIPSET_NOT_SUPPORTED("ChipsetNotSupported"),
        GPU_NOT_SUPPORTED("GPUNotSupported"),
        TOPOLOGY_NOT_SUPPORTED("TopologyNotSupported"),
        DISABLED_BY_REGKEY("DisabledByRegKey"),
        NOT_SUPPORTED("NotSupported"),
        UNKNOWN("Unknown");

        private final String label;

        P2pStatus(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static P2pStatus ofNvml(int code) {
            P2pStatus[] all = values();
            return code >= 0 && code < all.length ? all[code] : UNKNOWN;
        }
    }

    /**
     * One NVLink of one GPU.
     *
     * @param gpu            the GPU's index (the {@code gpu} label)
     * @param link           the link number, 0 to {@link #MAX_LINKS} - 1
     * @param active         NVML reports the link up (NVML_FEATURE_ENABLED)
     * @param remoteType     what the far end is; {@link RemoteType#UNKNOWN} for an inactive link
     * @param remotePciBusId the far end's PCI bus id ({@code 00000000:19:00.0}), or empty
     * @param peerGpu        the local GPU at the far end, or -1 (an NVSwitch, another host, inactive)
     */
    public record Link(int gpu, int link, boolean active, RemoteType remoteType, String remotePciBusId, int peerGpu) {
        public Link {
            Objects.requireNonNull(remoteType, "remoteType");
            remotePciBusId = remotePciBusId == null ? "" : remotePciBusId;
        }
    }

    /**
     * How GPU {@code gpu} reaches GPU {@code peerGpu}.
     *
     * @param gpu         one GPU's index
     * @param peerGpu     the other GPU's index
     * @param directLinks active links from {@code gpu} whose far end is {@code peerGpu}
     * @param switchLinks when both GPUs have active links to NVSwitches, the smaller of the two counts
     *                    (the bandwidth a pair can use through the switches, like nvidia-smi's NV18 on HGX
     *                    H100), else 0
     * @param pciePath    the PCIe path between them
     * @param nvlinkP2p   NVML's NVLink peer-to-peer status, or null when NVML did not answer
     */
    public record Pair(int gpu, int peerGpu, int directLinks, int switchLinks, PciePath pciePath, P2pStatus nvlinkP2p) {
        public Pair {
            Objects.requireNonNull(pciePath, "pciePath");
        }

        /** Active NVLinks usable between the two, direct plus through switches. */
        public int nvlinks() {
            return directLinks + switchLinks;
        }

        /** The cell of {@code nvidia-smi topo -m}: {@code NV18}, or the PCIe path when no NVLink joins them. */
        public String matrixCell() {
            return nvlinks() > 0 ? "NV" + nvlinks() : pciePath.label();
        }
    }

    /** True when NVML reported no NVLink and no pair (a one-GPU machine, PCIe-only GPUs with NVLink unsupported). */
    public boolean isEmpty() {
        return links.isEmpty() && pairs.isEmpty();
    }

    /** The pair (gpu, peerGpu), or null. */
    public Pair pair(int gpu, int peerGpu) {
        for (Pair p : pairs) {
            if (p.gpu() == gpu && p.peerGpu() == peerGpu) {
                return p;
            }
        }
        return null;
    }

    /**
     * Builds the pairs from the links: counts each GPU's active direct links per peer and its active
     * links to NVSwitches.
     *
     * @param gpus     the GPU indexes, in order
     * @param links    every link read
     * @param pciePath PCIe path per unordered pair, keyed by {@link #key(int, int)}; missing = unknown
     * @param p2p      NVLink P2P status per ordered pair, keyed by {@link #key(int, int)}; missing = not answered
     */
    public static GpuTopology of(
            List<Integer> gpus, List<Link> links, Map<Long, PciePath> pciePath, Map<Long, P2pStatus> p2p) {
        Map<Long, Integer> direct = new HashMap<>();
        Map<Integer, Integer> toSwitch = new HashMap<>();
        for (Link l : links) {
            if (!l.active()) {
                continue;
            }
            if (l.peerGpu() >= 0 && l.peerGpu() != l.gpu()) {
                direct.merge(key(l.gpu(), l.peerGpu()), 1, Integer::sum);
            } else if (l.remoteType() == RemoteType.NVSWITCH) {
                toSwitch.merge(l.gpu(), 1, Integer::sum);
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (int a : gpus) {
            for (int b : gpus) {
                if (a == b) {
                    continue;
                }
                int sw = Math.min(toSwitch.getOrDefault(a, 0), toSwitch.getOrDefault(b, 0));
                PciePath path = pciePath.getOrDefault(key(Math.min(a, b), Math.max(a, b)), PciePath.UNKNOWN);
                pairs.add(new Pair(a, b, direct.getOrDefault(key(a, b), 0), sw, path, p2p.get(key(a, b))));
            }
        }
        return new GpuTopology(links, pairs);
    }

    /** A map key for the ordered pair (a, b). */
    public static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }
}
