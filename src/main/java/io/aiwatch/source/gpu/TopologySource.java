package io.aiwatch.source.gpu;

import java.util.List;

/**
 * Where {@link GpuTopologyCollector} gets the GPUs' interconnect from: NVML on a real node, a fixed
 * layout for simulated GPUs. Separate from {@link GpuBackend} because the topology changes only when
 * a link fails, so it is read on its own slow schedule.
 */
public interface TopologySource extends AutoCloseable {

    /**
     * Reads the links and pairs now. A GPU or link NVML has no NVLink answer for (NOT_SUPPORTED,
     * INVALID_ARGUMENT past the GPU's last link) is left out silently; other errors are returned in
     * {@link Reading#problems()} while the rest is still read.
     */
    Reading read();

    @Override
    default void close() {}

    /**
     * @param topology what could be read
     * @param problems the calls that failed for another reason than "not supported", one line each
     *                 ({@code nvmlDeviceGetNvLinkState returned NVML_ERROR_GPU_IS_LOST (15)})
     */
    record Reading(GpuTopology topology, List<GpuCallException> problems) {
        public Reading {
            problems = List.copyOf(problems);
        }
    }
}
