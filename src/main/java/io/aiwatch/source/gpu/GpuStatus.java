package io.aiwatch.source.gpu;

import java.util.List;
import java.util.Set;

/**
 * The typed detail of a GPU snapshot, for readers that need more than numbers: the status page
 * and the storage collector (which follows the reads of processes that use a GPU).
 *
 * @param backend       {@code nvml} or {@code simulated}
 * @param driverVersion driver version string
 * @param devices       one entry per device
 */
public record GpuStatus(String backend, String driverVersion, List<Device> devices) {
    public GpuStatus {
        devices = List.copyOf(devices);
    }

    /**
     * @param info        static identity
     * @param up          false when the GPU is lost
     * @param problem     why it is down, or null
     * @param unsupported fields or features this device does not support
     * @param pids        processes holding memory on it (empty in the fast collector)
     */
    public record Device(GpuDeviceInfo info, boolean up, String problem, Set<String> unsupported, Set<Long> pids) {
        public Device {
            unsupported = Set.copyOf(unsupported);
            pids = Set.copyOf(pids);
        }
    }
}
