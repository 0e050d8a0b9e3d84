package io.aiwatch.source.gpu.nvml;

import com.sun.jna.ptr.PointerByReference;
import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.GpuInstance;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@link GpuBackend} over the real (or fake) {@code libnvidia-ml.so.1}; built by
 * {@link NvmlLoader#load}. Devices are enumerated once. NVML is thread-safe and no lock spans a
 * device query, so a call hung in the driver blocks only the thread that made it; the GPM
 * sampler and the XID event set have their own small locks.
 */
public final class NvmlBackend implements GpuBackend {
    private static final Logger LOG = Logger.getLogger(NvmlBackend.class.getName());

    private final Nvml nvml;
    private final Map<Integer, NvmlGpu> gpus;
    private final List<GpuDeviceInfo> infos;
    private final String driverVersion;
    private final String nvmlVersion;
    private final XidEvents xids;
    private final boolean pcieSlow;
    private boolean closed;

    private NvmlBackend(
            Nvml nvml, Map<Integer, NvmlGpu> gpus, String driverVersion, String nvmlVersion, XidEvents xids) {
        this.nvml = nvml;
        this.gpus = Collections.unmodifiableMap(gpus);
        List<GpuDeviceInfo> list = new ArrayList<>();
        gpus.values().forEach(g -> list.add(g.info()));
        this.infos = List.copyOf(list);
        this.driverVersion = driverVersion;
        this.nvmlVersion = nvmlVersion;
        this.xids = xids;
        this.pcieSlow = gpus.values().stream().anyMatch(g -> g.gpm() == null);
    }

    /** Enumerates devices after a successful nvmlInit_v2; a device whose handle fails is skipped. */
    static NvmlBackend start(Nvml nvml) throws GpuCallException {
        long count = nvml.u32("nvmlDeviceGetCount_v2", nvml.lib::nvmlDeviceGetCount_v2);
        Map<Integer, Device> handles = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            PointerByReference ref = new PointerByReference();
            int rc = nvml.lib.nvmlDeviceGetHandleByIndex_v2(i, ref);
            if (rc != Nvml.SUCCESS) {
                LOG.warning("NVML device " + i + " skipped: "
                        + nvml.error("nvmlDeviceGetHandleByIndex_v2", rc).getMessage());
                continue;
            }
            handles.put(i, new Device(ref.getValue()));
        }
        Map<Integer, NvmlGpu> gpus = new LinkedHashMap<>();
        for (Map.Entry<Integer, Device> h : handles.entrySet()) {
            GpmSampler gpm = GpmSampler.probe(nvml, h.getValue());
            GpuDeviceInfo info = NvmlDeviceInfo.read(nvml, h.getKey(), h.getValue(), gpm != null);
            NvmlMig mig = NvmlMig.read(nvml, h.getKey(), h.getValue());
            gpus.put(h.getKey(), new NvmlGpu(h.getKey(), h.getValue(), info, gpm, mig));
        }
        String driver = orEmpty(nvml, "nvmlSystemGetDriverVersion");
        String version = orEmpty(nvml, "nvmlSystemGetNVMLVersion");
        return new NvmlBackend(nvml, gpus, driver, version, new XidEvents(nvml, handles));
    }

    private static String orEmpty(Nvml nvml, String function) {
        try {
            return function.equals("nvmlSystemGetDriverVersion")
                    ? nvml.string(function, nvml.lib::nvmlSystemGetDriverVersion)
                    : nvml.string(function, nvml.lib::nvmlSystemGetNVMLVersion);
        } catch (GpuCallException e) {
            LOG.warning(e.getMessage());
            return "";
        }
    }

    @Override
    public String name() {
        return "nvml";
    }

    @Override
    public String driverVersion() {
        return driverVersion;
    }

    @Override
    public String nvmlVersion() {
        return nvmlVersion;
    }

    @Override
    public List<GpuDeviceInfo> devices() {
        return infos;
    }

    @Override
    public List<GpuInstance> instances(int index) {
        NvmlGpu gpu = gpus.get(index);
        return gpu == null ? List.of() : gpu.mig().instances();
    }

    /**
     * The PCIe throughput fields are slow when any device lacks GPM: they then come from
     * nvmlDeviceGetPcieThroughput, which sleeps ~20 ms per call inside NVML.
     */
    @Override
    public boolean isSlow(DcgmField field) {
        return pcieSlow
                && (field == DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES || field == DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES);
    }

    @Override
    public DeviceReader reader(int index) {
        NvmlGpu gpu = gpus.get(index);
        if (gpu == null) {
            throw new IllegalArgumentException("no NVML device with index " + index + "; devices: " + gpus.keySet());
        }
        return new NvmlDeviceReader(this, nvml, gpu);
    }

    /**
     * Read-only settings of device {@code index} that bound its speed (application and maximum
     * clocks, ECC and persistence modes, power limits, compute mode, P-state), for an experiment's
     * environment record. Values NVML cannot give read "unsupported".
     */
    public Map<String, String> settings(int index) {
        NvmlGpu gpu = gpus.get(index);
        if (gpu == null) {
            throw new IllegalArgumentException("no NVML device with index " + index + "; devices: " + gpus.keySet());
        }
        return NvmlSettings.read(nvml, gpu.handle());
    }

    /** The CUDA driver API version the driver supports, e.g. {@code 13.0}, or why it is unknown. */
    public String cudaDriverVersion() {
        return NvmlSettings.cudaDriverVersion(nvml);
    }

    /** XID events lost to a full per-device queue or for a handle not enumerated at start. */
    public long droppedXidEvents() {
        return xids.droppedEvents();
    }

    XidEvents xids() {
        return xids;
    }

    /** Frees GPM samples and the event set, then calls nvmlShutdown. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        gpus.values().stream().filter(g -> g.gpm() != null).forEach(g -> g.gpm().close());
        xids.close();
        int rc = nvml.lib.nvmlShutdown();
        if (rc != Nvml.SUCCESS) {
            LOG.warning(nvml.error("nvmlShutdown", rc).getMessage());
        }
    }
}
