package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.GpuTopology;
import io.aiwatch.source.gpu.GpuTopology.Link;
import io.aiwatch.source.gpu.GpuTopology.P2pStatus;
import io.aiwatch.source.gpu.GpuTopology.PciePath;
import io.aiwatch.source.gpu.GpuTopology.RemoteType;
import io.aiwatch.source.gpu.NvmlReturn;
import io.aiwatch.source.gpu.TopologySource;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlStructs.PciInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * NVLink topology through NVML: per GPU, links 0–17 ({@code nvmlDeviceGetNvLinkState}, and for active
 * links {@code nvmlDeviceGetNvLinkRemoteDeviceType} and {@code nvmlDeviceGetNvLinkRemotePciInfo_v2}); per
 * pair, {@code nvmlDeviceGetTopologyCommonAncestor} and {@code nvmlDeviceGetP2PStatus(NVLINK)}. Read-only.
 *
 * <p>It binds these functions itself and takes its own reference on NVML ({@code nvmlInit_v2} is
 * reference counted; {@link #close} calls {@code nvmlShutdown} once), so the per-GPU backend stays
 * unchanged. Handles are looked up by index, the same indexes the backend uses. A link is matched to a
 * local GPU by the PCI domain, bus and device of its far end.
 */
public final class NvmlTopology implements TopologySource {
    private static final List<String> SYMBOLS = List.of(
            "nvmlDeviceGetNvLinkState",
            "nvmlDeviceGetNvLinkRemoteDeviceType",
            "nvmlDeviceGetNvLinkRemotePciInfo_v2",
            "nvmlDeviceGetTopologyCommonAncestor",
            "nvmlDeviceGetP2PStatus");
    private static final int P2P_CAPS_INDEX_NVLINK = 2;
    private static final int FEATURE_ENABLED = 1;

    /** The calls, as nvml.h declares them (NVML API 12). */
    interface Lib extends Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        String nvmlErrorString(int result);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        /** isActive: nvmlEnableState_t. INVALID_ARGUMENT for a link number past the device's links. */
        int nvmlDeviceGetNvLinkState(Device device, int link, IntByReference isActive);

        /** type: nvmlIntNvLinkDeviceType_t (GPU 0, IBMNPU 1, SWITCH 2, UNKNOWN 0xFF). */
        int nvmlDeviceGetNvLinkRemoteDeviceType(Device device, int link, IntByReference type);

        int nvmlDeviceGetNvLinkRemotePciInfo_v2(Device device, int link, PciInfo pci);

        /** pathInfo: nvmlGpuTopologyLevel_t (INTERNAL 0, SINGLE 10, MULTIPLE 20, HOSTBRIDGE 30, NODE 40, SYSTEM 50). */
        int nvmlDeviceGetTopologyCommonAncestor(Device device1, Device device2, IntByReference pathInfo);

        /** p2pIndex: nvmlGpuP2PCapsIndex_t; status: nvmlGpuP2PStatus_t (OK 0 ... UNKNOWN 6). */
        int nvmlDeviceGetP2PStatus(Device device1, Device device2, int p2pIndex, IntByReference status);
    }

    private final Lib lib;
    private final Set<String> symbols;
    private final List<GpuDeviceInfo> devices;
    private final Map<Integer, Device> handles = new HashMap<>();
    private boolean closed;

    private NvmlTopology(Lib lib, Set<String> symbols, List<GpuDeviceInfo> devices) {
        this.lib = lib;
        this.symbols = symbols;
        this.devices = List.copyOf(devices);
    }

    /**
     * Binds the topology calls of the library the backend loaded.
     *
     * @param library the configured NVML path, or empty for {@value NvmlLoader#DEFAULT_LIBRARY}
     * @param devices the backend's devices (indexes and PCI bus ids)
     * @throws GpuCallException when NVML cannot be initialised again (it was, for the backend)
     */
    public static NvmlTopology open(Optional<Path> library, List<GpuDeviceInfo> devices) throws GpuCallException {
        String name = library.map(p -> p.toAbsolutePath().toString()).orElse(NvmlLoader.DEFAULT_LIBRARY);
        NativeLibrary nativeLibrary = NativeLibrary.getInstance(name);
        Set<String> symbols = new HashSet<>();
        for (String s : SYMBOLS) {
            try {
                nativeLibrary.getFunction(s);
                symbols.add(s);
            } catch (UnsatisfiedLinkError e) {
                // an older driver: that part of the topology stays unknown
            }
        }
        Lib lib = Native.load(name, Lib.class);
        int rc = lib.nvmlInit_v2();
        if (rc != Nvml.SUCCESS) {
            throw new GpuCallException("nvmlInit_v2", rc, lib.nvmlErrorString(rc));
        }
        return new NvmlTopology(lib, symbols, devices);
    }

    @Override
    public synchronized Reading read() {
        List<GpuCallException> problems = new ArrayList<>();
        Map<String, Integer> byPci = new HashMap<>();
        List<Integer> indexes = new ArrayList<>();
        for (GpuDeviceInfo d : devices) {
            indexes.add(d.index());
            String key = pciKey(d.pciBusId());
            if (key != null) {
                byPci.put(key, d.index());
            }
        }
        List<Link> links = new ArrayList<>();
        for (int gpu : indexes) {
            Device h = handle(gpu, problems);
            if (h != null) {
                readLinks(gpu, h, byPci, links, problems);
            }
        }
        Map<Long, PciePath> paths = new HashMap<>();
        Map<Long, P2pStatus> p2p = new HashMap<>();
        for (int a : indexes) {
            for (int b : indexes) {
                Device ha = handles.get(a);
                Device hb = handles.get(b);
                if (a == b || ha == null || hb == null) {
                    continue;
                }
                if (a < b) {
                    Integer level = call(
                            "nvmlDeviceGetTopologyCommonAncestor",
                            out -> lib.nvmlDeviceGetTopologyCommonAncestor(ha, hb, out),
                            problems);
                    if (level != null) {
                        paths.put(GpuTopology.key(a, b), PciePath.ofNvml(level));
                    }
                }
                Integer status = call(
                        "nvmlDeviceGetP2PStatus",
                        out -> lib.nvmlDeviceGetP2PStatus(ha, hb, P2P_CAPS_INDEX_NVLINK, out),
                        problems);
                if (status != null) {
                    p2p.put(GpuTopology.key(a, b), P2pStatus.ofNvml(status));
                }
            }
        }
        if (links.stream().noneMatch(Link::active)) {
            // links that exist but none is up anywhere (a lone SXM GPU in a VM): nothing is joined, and
            // 18 "down" series per GPU would only raise alerts; one GPU down on a linked node still shows
            links.clear();
        }
        GpuTopology t = GpuTopology.of(indexes, links, paths, p2p);
        boolean anyLink = !t.links().isEmpty();
        return new Reading(anyLink || !paths.isEmpty() || !p2p.isEmpty() ? t : GpuTopology.EMPTY, problems);
    }

    private void readLinks(
            int gpu, Device h, Map<String, Integer> byPci, List<Link> links, List<GpuCallException> problems) {
        for (int link = 0; link < GpuTopology.MAX_LINKS; link++) {
            int n = link;
            Integer state = call("nvmlDeviceGetNvLinkState", out -> lib.nvmlDeviceGetNvLinkState(h, n, out), problems);
            if (state == null) {
                continue; // no such link (NOT_SUPPORTED / INVALID_ARGUMENT), or an error already recorded
            }
            if (state != FEATURE_ENABLED) {
                links.add(new Link(gpu, link, false, RemoteType.UNKNOWN, "", -1));
                continue;
            }
            String remoteBus = "";
            int peer = -1;
            if (symbols.contains("nvmlDeviceGetNvLinkRemotePciInfo_v2")) {
                PciInfo pci = new PciInfo();
                int rc = lib.nvmlDeviceGetNvLinkRemotePciInfo_v2(h, n, pci);
                if (rc == Nvml.SUCCESS) {
                    remoteBus = String.format(Locale.ROOT, "%08X:%02X:%02X.0", pci.domain, pci.bus, pci.device);
                    peer = byPci.getOrDefault(pciKey(remoteBus), -1);
                } else if (!quiet(rc)) {
                    problems.add(error("nvmlDeviceGetNvLinkRemotePciInfo_v2", rc));
                }
            }
            Integer type = call(
                    "nvmlDeviceGetNvLinkRemoteDeviceType",
                    out -> lib.nvmlDeviceGetNvLinkRemoteDeviceType(h, n, out),
                    problems);
            RemoteType remote =
                    type != null ? RemoteType.ofNvml(type) : peer >= 0 ? RemoteType.GPU : RemoteType.UNKNOWN;
            links.add(new Link(gpu, link, true, remote, remoteBus, remote == RemoteType.GPU ? peer : -1));
        }
    }

    /** {@code DDDDDDDD:BB:DD} upper case, from NVML's {@code 00000000:8D:00.0} or {@code 0000:8d:00.0}. */
    static String pciKey(String busId) {
        if (busId == null) {
            return null;
        }
        String[] parts = busId.trim().toUpperCase(Locale.ROOT).split("[:.]");
        if (parts.length < 3) {
            return null;
        }
        try {
            long domain = Long.parseLong(parts[0], 16);
            int bus = Integer.parseInt(parts[1], 16);
            int dev = Integer.parseInt(parts[2], 16);
            return String.format(Locale.ROOT, "%08X:%02X:%02X", domain, bus, dev);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Device handle(int gpu, List<GpuCallException> problems) {
        Device h = handles.get(gpu);
        if (h != null) {
            return h;
        }
        PointerByReference ref = new PointerByReference();
        int rc = lib.nvmlDeviceGetHandleByIndex_v2(gpu, ref);
        if (rc != Nvml.SUCCESS) {
            problems.add(error("nvmlDeviceGetHandleByIndex_v2", rc));
            return null;
        }
        h = new Device(ref.getValue());
        handles.put(gpu, h);
        return h;
    }

    /** One unsigned int out-parameter; null when absent, not supported, or failed (then recorded). */
    private Integer call(String function, Nvml.IntCall call, List<GpuCallException> problems) {
        if (!symbols.contains(function)) {
            return null;
        }
        IntByReference out = new IntByReference();
        int rc = call.invoke(out);
        if (rc == Nvml.SUCCESS) {
            return out.getValue();
        }
        if (!quiet(rc)) {
            problems.add(error(function, rc));
        }
        return null;
    }

    /** The answers of a GPU or link without NVLink: not errors. */
    private static boolean quiet(int rc) {
        return rc == NvmlReturn.NOT_SUPPORTED.code() || rc == NvmlReturn.INVALID_ARGUMENT.code();
    }

    private GpuCallException error(String function, int rc) {
        String message;
        try {
            message = lib.nvmlErrorString(rc);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            message = null;
        }
        return new GpuCallException(function, rc, message);
    }

    /** Drops this binding's NVML reference (nvmlShutdown once). Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lib.nvmlShutdown();
        }
    }
}
