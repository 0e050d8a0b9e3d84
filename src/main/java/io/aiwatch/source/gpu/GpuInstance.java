package io.aiwatch.source.gpu;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A MIG GPU instance of one GPU, found at start (re-partitioning a GPU needs a restart, as it
 * does for the workloads on it).
 *
 * @param gpuIndex         the parent GPU's index (the {@code gpu} label)
 * @param id               NVML GPU-instance id (the {@code GPU_I_ID} label)
 * @param profile          profile name as nvidia-smi and dcgm-exporter show it, e.g. {@code 1g.10gb}
 *                         (the {@code GPU_I_PROFILE} label)
 * @param computeInstances its compute instances, each a MIG device with its own UUID
 */
public record GpuInstance(int gpuIndex, int id, String profile, List<ComputeInstance> computeInstances) {

    /**
     * Fields NVML gives per GPU instance (through a MIG device handle); every other field is a
     * property of the whole GPU (temperature, power, clocks) or not available per instance
     * (utilisation: NVML and DCGM report none on MIG).
     */
    public static final Set<DcgmField> FIELDS =
            Set.of(DcgmField.DCGM_FI_DEV_FB_FREE, DcgmField.DCGM_FI_DEV_FB_USED, DcgmField.DCGM_FI_DEV_FB_RESERVED);

    public GpuInstance {
        computeInstances = List.copyOf(computeInstances);
    }

    /**
     * Every MIG device UUID of {@code backend} → {@code <gpu>-<GPU_I_ID>}, the key dcgm-exporter
     * attributes MIG pods by (a device plugin hands out {@code MIG-…} UUIDs).
     */
    public static Map<String, String> attributionKeys(GpuBackend backend) {
        Map<String, String> out = new HashMap<>();
        for (GpuDeviceInfo d : backend.devices()) {
            for (GpuInstance gi : backend.instances(d.index())) {
                for (ComputeInstance ci : gi.computeInstances()) {
                    out.put(ci.uuid(), d.index() + "-" + gi.id());
                }
            }
        }
        return out;
    }

    /**
     * A compute instance: the unit a device plugin hands to a pod.
     *
     * @param id   NVML compute-instance id within its GPU instance
     * @param uuid MIG device UUID, {@code MIG-…}
     */
    public record ComputeInstance(int id, String uuid) {}
}
