package io.aiwatch.source.gpu;

import io.aiwatch.collect.DetailKey;
import java.util.List;
import java.util.Set;

/**
 * The typed detail of a GPU snapshot, for readers that need more than numbers: the status page
 * ({@link #DEVICES}) and the storage collector, which follows the reads of processes that use a
 * GPU ({@link #PROCESSES}).
 *
 * @param backend       {@code nvml} or {@code simulated}
 * @param driverVersion driver version string
 * @param devices       one entry per device
 */
public record GpuStatus(String backend, String driverVersion, List<Device> devices) {
    /** The fast collector's: each GPU's identity, state and unsupported fields (no processes). */
    public static final DetailKey<GpuStatus> DEVICES = DetailKey.of("gpu devices", GpuStatus.class);

    /** The slow collector's: the same, with the processes holding memory on each GPU. */
    public static final DetailKey<GpuStatus> PROCESSES = DetailKey.of("gpu processes", GpuStatus.class);

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
