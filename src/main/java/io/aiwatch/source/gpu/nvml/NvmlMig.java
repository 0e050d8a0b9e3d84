package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuInstance;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlHandles.GpuInstanceHandle;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpuInstanceInfo;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpuInstanceProfileInfoV2;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The MIG layout of one GPU, read once at start: its MIG devices (one per compute instance,
 * {@code nvmlDeviceGetMigDeviceHandleByIndex}) grouped by GPU instance, and each GPU instance's
 * profile name from {@code nvmlGpuInstanceGetInfo} + {@code nvmlDeviceGetGpuInstanceProfileInfoV}
 * ({@code MIG 1g.10gb} → {@code 1g.10gb}, as nvidia-smi and dcgm-exporter show it). Only reads:
 * the binding never changes a GPU's MIG mode or instances.
 *
 * @param instances  the GPU instances, by id
 * @param handles    a MIG device handle per GPU instance (its first compute instance), for per-instance reads
 */
record NvmlMig(List<GpuInstance> instances, Map<Integer, Device> handles) {
    private static final Logger LOG = Logger.getLogger(NvmlMig.class.getName());
    static final NvmlMig NONE = new NvmlMig(List.of(), Map.of());
    private static final int PROFILE_COUNT = 0x12; // NVML_GPU_INSTANCE_PROFILE_COUNT

    NvmlMig {
        instances = List.copyOf(instances);
        handles = Map.copyOf(handles);
    }

    /** Reads GPU {@code index}; a GPU without MIG (or a driver without the calls) has none. */
    static NvmlMig read(Nvml nvml, int index, Device gpu) {
        if (!nvml.has("nvmlDeviceGetMigMode") || !nvml.has("nvmlDeviceGetMigDeviceHandleByIndex")) {
            return NONE;
        }
        IntByReference current = new IntByReference();
        IntByReference pending = new IntByReference();
        if (nvml.lib.nvmlDeviceGetMigMode(gpu, current, pending) != Nvml.SUCCESS || current.getValue() != 1) {
            return NONE; // NOT_SUPPORTED on GPUs without MIG; 0 when MIG is off
        }
        try {
            long max = nvml.u32("nvmlDeviceGetMaxMigDeviceCount", o -> nvml.lib.nvmlDeviceGetMaxMigDeviceCount(gpu, o));
            Map<Integer, List<GpuInstance.ComputeInstance>> cis = new TreeMap<>();
            Map<Integer, Device> handles = new HashMap<>();
            for (int i = 0; i < max; i++) {
                PointerByReference ref = new PointerByReference();
                int rc = nvml.lib.nvmlDeviceGetMigDeviceHandleByIndex(gpu, i, ref);
                if (rc == Nvml.ERROR_NOT_FOUND) {
                    continue;
                }
                nvml.check("nvmlDeviceGetMigDeviceHandleByIndex", rc);
                Device mig = new Device(ref.getValue());
                int gi = (int) nvml.u32("nvmlDeviceGetGpuInstanceId", o -> nvml.lib.nvmlDeviceGetGpuInstanceId(mig, o));
                int ci = (int) nvml.u32(
                        "nvmlDeviceGetComputeInstanceId", o -> nvml.lib.nvmlDeviceGetComputeInstanceId(mig, o));
                String uuid = nvml.string("nvmlDeviceGetUUID", (b, n) -> nvml.lib.nvmlDeviceGetUUID(mig, b, n));
                cis.computeIfAbsent(gi, k -> new ArrayList<>()).add(new GpuInstance.ComputeInstance(ci, uuid));
                handles.putIfAbsent(gi, mig);
            }
            Map<Integer, String> profileNames = profileNames(nvml, gpu);
            List<GpuInstance> instances = new ArrayList<>();
            for (Map.Entry<Integer, List<GpuInstance.ComputeInstance>> e : cis.entrySet()) {
                instances.add(
                        new GpuInstance(index, e.getKey(), profile(nvml, gpu, e.getKey(), profileNames), e.getValue()));
            }
            return new NvmlMig(instances, handles);
        } catch (GpuCallException e) {
            LOG.warning("GPU " + index + " has MIG enabled but its instances cannot be read: " + e.getMessage()
                    + "; reporting it as a whole GPU");
            return NONE;
        }
    }

    /** Profile id → name for every profile the GPU knows. */
    private static Map<Integer, String> profileNames(Nvml nvml, Device gpu) {
        Map<Integer, String> names = new HashMap<>();
        if (!nvml.has("nvmlDeviceGetGpuInstanceProfileInfoV")) {
            return names;
        }
        for (int p = 0; p < PROFILE_COUNT; p++) {
            GpuInstanceProfileInfoV2 info = new GpuInstanceProfileInfoV2();
            info.version = GpuInstanceProfileInfoV2.VERSION;
            if (nvml.lib.nvmlDeviceGetGpuInstanceProfileInfoV(gpu, p, info) == Nvml.SUCCESS) {
                String name = Native.toString(info.name, "UTF-8").trim();
                names.put(info.id, name.startsWith("MIG ") ? name.substring(4) : name);
            }
        }
        return names;
    }

    /** The instance's profile name, or {@code profile-<id>} / empty when NVML cannot say. */
    private static String profile(Nvml nvml, Device gpu, int gi, Map<Integer, String> names) {
        if (!nvml.has("nvmlDeviceGetGpuInstanceById") || !nvml.has("nvmlGpuInstanceGetInfo")) {
            return "";
        }
        PointerByReference ref = new PointerByReference();
        if (nvml.lib.nvmlDeviceGetGpuInstanceById(gpu, gi, ref) != Nvml.SUCCESS) {
            return "";
        }
        GpuInstanceInfo info = new GpuInstanceInfo();
        if (nvml.lib.nvmlGpuInstanceGetInfo(new GpuInstanceHandle(ref.getValue()), info) != Nvml.SUCCESS) {
            return "";
        }
        return names.getOrDefault(info.profileId, "profile-" + Integer.toUnsignedString(info.profileId));
    }
}
