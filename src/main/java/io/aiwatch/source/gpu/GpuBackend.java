package io.aiwatch.source.gpu;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A source of GPU readings: NVML on a real node, or simulated GPUs. Both go through the same
 * {@link GpuCollector}, so exposition and error handling are identical.
 *
 * <p>Implementations must be safe to call from several collector threads at once (the cheap,
 * costly and slow fields of {@link Cost}, and costly reads of different devices in parallel).
 * Devices are discovered once, at start.
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

    /** What a field's library call costs, which decides the collector that reads it. */
    enum Cost {
        /** Microseconds in the driver: the fast collector reads it every interval. */
        CHEAP,
        /**
         * Milliseconds of driver CPU (the energy counter ~2.9 ms, a GPM sample pair ~4 ms, PCIe
         * replay 0.17 ms, violation status ~1.2 ms; H100, driver 580.159.04): read every interval
         * too, by a collector of its own whose GPUs are read in parallel, so it never delays the
         * cheap fields; its staleness is its own snapshot age.
         */
        COSTLY,
        /** Sleeps inside the library (PCIe throughput without GPM, ~20 ms): the slow schedule. */
        BLOCKING
    }

    /** The fields whose NVML call costs milliseconds of driver time (besides GPM's profiling fields). */
    Set<DcgmField> COSTLY_FIELDS = EnumSet.of(
            DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION,
            DcgmField.DCGM_FI_DEV_PCIE_REPLAY_COUNTER,
            DcgmField.DCGM_FI_DEV_POWER_VIOLATION,
            DcgmField.DCGM_FI_DEV_THERMAL_VIOLATION,
            DcgmField.DCGM_FI_DEV_SYNC_BOOST_VIOLATION,
            DcgmField.DCGM_FI_DEV_BOARD_LIMIT_VIOLATION,
            DcgmField.DCGM_FI_DEV_LOW_UTIL_VIOLATION,
            DcgmField.DCGM_FI_DEV_RELIABILITY_VIOLATION);

    /**
     * The cost of reading {@code field}: {@link Cost#COSTLY} for {@link #COSTLY_FIELDS} and the
     * profiling fields, else {@link Cost#CHEAP}. The simulated GPUs keep this, so they are read on
     * the same schedules as real ones; NVML makes the PCIe fields {@link Cost#BLOCKING} without GPM.
     */
    default Cost cost(DcgmField field) {
        return COSTLY_FIELDS.contains(field) || field.isProfiling() ? Cost.COSTLY : Cost.CHEAP;
    }

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
