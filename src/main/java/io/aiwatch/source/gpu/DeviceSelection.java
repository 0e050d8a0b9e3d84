package io.aiwatch.source.gpu;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which entities the GPU collector reports, in dcgm-exporter's {@code -d} syntax: {@code f} (flex,
 * the default: a MIG-enabled GPU's instances, any other GPU whole), {@code g[:ids]} (whole GPUs by
 * index) or {@code i[:ids]} (MIG GPU instances). Ids are single numbers or ranges: {@code g:0,2-4}.
 * aiwatch's own families ({@code aiwatch_gpu_*}) stay on the GPU in every mode.
 *
 * <p>One difference: dcgm-exporter numbers {@code i} ids as DCGM GPU-instance entities across the
 * node; here an {@code i} id is the NVML GPU-instance id, the value of the {@code GPU_I_ID} label.
 *
 * @param mode what is reported
 * @param ids  the ids to report; empty for all
 */
public record DeviceSelection(Mode mode, Set<Integer> ids) {

    /** What {@code -d} selects. */
    public enum Mode {
        /** MIG-enabled GPUs by instance, others whole. */
        FLEX,
        /** Whole GPUs only, MIG or not. */
        GPUS,
        /** MIG GPU instances only. */
        INSTANCES
    }

    public DeviceSelection {
        ids = Set.copyOf(ids);
    }

    /** Parses dcgm-exporter's {@code -d} value; throws IllegalArgumentException with the reason. */
    public static DeviceSelection parse(String text) {
        String[] letterAndRange = text.trim().split(":", -1);
        if (letterAndRange.length > 2) {
            throw new IllegalArgumentException("devices '" + text + "': there can only be one range");
        }
        Mode mode = switch (letterAndRange[0]) {
            case "f" -> Mode.FLEX;
            case "g" -> Mode.GPUS;
            case "i" -> Mode.INSTANCES;
            default ->
                throw new IllegalArgumentException(
                        "devices '" + text + "': the only valid options are f, g[:ids] and i[:ids]");
        };
        Set<Integer> ids = new TreeSet<>();
        if (letterAndRange.length == 2) {
            if (mode == Mode.FLEX) {
                throw new IllegalArgumentException("devices '" + text + "': no range can be given with f");
            }
            for (String part : letterAndRange[1].split(",", -1)) {
                String[] range = part.split("-", -1);
                try {
                    int start = Integer.parseInt(range[0].trim());
                    int end = range.length == 2 ? Integer.parseInt(range[1].trim()) : start;
                    if (range.length > 2 || start < 0 || end < start || end - start > 4096) {
                        throw new NumberFormatException();
                    }
                    for (int i = start; i <= end; i++) {
                        ids.add(i);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "devices '" + text + "': a range is <number> or <number>-<number>, not '" + part + "'");
                }
            }
        }
        return new DeviceSelection(mode, ids);
    }

    public static DeviceSelection flex() {
        return new DeviceSelection(Mode.FLEX, Set.of());
    }

    /** Whether GPU {@code index} is reported at all ({@code g:ids} leaves the others out). */
    public boolean reportsGpu(int index) {
        return mode != Mode.GPUS || ids.isEmpty() || ids.contains(index);
    }

    /**
     * Whether a field goes on the whole GPU's series: with {@code f}, everything except a MIG
     * GPU's per-instance fields (device-wide fields such as temperature and power stay on the
     * GPU, since NVML has them only there); with {@code g}, everything; with {@code i}, nothing.
     *
     * @param instanceField the field has per-instance values ({@link GpuInstance#FIELDS})
     * @param mig           the GPU has MIG instances
     */
    public boolean reportsWholeGpuField(boolean instanceField, boolean mig) {
        return switch (mode) {
            case FLEX -> !(instanceField && mig);
            case GPUS -> true;
            case INSTANCES -> false;
        };
    }

    /** Whether MIG instances get series of their own. */
    public boolean reportsInstances() {
        return mode != Mode.GPUS;
    }

    /** Whether GPU instance {@code gpuInstanceId} is reported ({@code i:ids}). */
    public boolean reportsInstance(int gpuInstanceId) {
        return mode != Mode.INSTANCES || ids.isEmpty() || ids.contains(gpuInstanceId);
    }
}
