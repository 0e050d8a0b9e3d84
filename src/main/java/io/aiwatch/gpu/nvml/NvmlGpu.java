package io.aiwatch.gpu.nvml;

import io.aiwatch.gpu.GpuDeviceInfo;
import io.aiwatch.gpu.nvml.NvmlHandles.Device;

/**
 * One device found at start: its handle, static info, and its GPM sampler (null without GPM).
 */
record NvmlGpu(int index, Device handle, GpuDeviceInfo info, GpmSampler gpm) {
}
