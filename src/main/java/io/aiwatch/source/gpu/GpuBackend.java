package io.aiwatch.source.gpu;

import java.util.List;

/**
 * A source of GPU readings: NVML on a real node, or simulated GPUs. Both go through the same
 * {@link GpuCollector}, so exposition and error handling are identical.
 *
 * <p>Implementations must be safe to call from two collector threads (fast and slow fields)
 * at once. Devices are discovered once, at start.
 */
public interface GpuBackend extends AutoCloseable {

    /** {@code nvml} or {@code simulated}; shown on the status page. */
    String name();

    /** Driver version string, e.g. {@code 580.82.07}; the {@code DCGM_FI_DRIVER_VERSION} label. */
    String driverVersion();

    /** NVML library version string, e.g. {@code 13.580.82.07}. */
    String nvmlVersion();

    /** The devices found at start, by index. */
    List<GpuDeviceInfo> devices();

    /** MIG GPU instances of GPU {@code index}, found at start; empty when MIG is off or unsupported. */
    default List<GpuInstance> instances(int index) {
        return List.of();
    }

    /**
     * True when reading {@code field} blocks long enough (NVML's PCIe throughput sleeps ~20 ms
     * per call) that it must run on the slow schedule so it never delays the fast fields.
     */
    boolean isSlow(DcgmField field);

    /**
     * A reader for one collection cycle of one device. It may cache library results within the
     * cycle (one memory-info call serves FB_FREE, FB_USED and FB_RESERVED); a new cycle calls
     * this again.
     */
    DeviceReader reader(int index);

    @Override
    void close();

    /** Readings of one device within one cycle. Every method may throw the library's error. */
    interface DeviceReader {

        /** The numeric value of a GAUGE or COUNTER field, in dcgm-exporter's unit. */
        double read(DcgmField field) throws GpuCallException;

        /** A per-instance field ({@link GpuInstance#FIELDS}) of one MIG GPU instance, in dcgm-exporter's unit. */
        default double readInstance(DcgmField field, int gpuInstanceId) throws GpuCallException {
            throw new GpuCallException("instance:" + field.name(), NvmlReturn.NOT_SUPPORTED);
        }

        /** The string value of a LABEL field. */
        String readLabel(DcgmField field) throws GpuCallException;

        /** The current clock event (throttle) reasons as NVML's bit mask. */
        long clockEventReasons() throws GpuCallException;

        /** Compute and graphics processes using the device. */
        List<GpuProcess> processes() throws GpuCallException;

        /** XID errors seen since the previous call for this device, oldest first. */
        List<XidEvent> drainXidEvents() throws GpuCallException;
    }
}
