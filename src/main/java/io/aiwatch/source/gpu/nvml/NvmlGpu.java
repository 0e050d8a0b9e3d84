package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;

/**
 * One device found at start: its handle, static info, and its GPM sampler (null without GPM).
 */
record NvmlGpu(int index, Device handle, GpuDeviceInfo info, GpmSampler gpm) {}
