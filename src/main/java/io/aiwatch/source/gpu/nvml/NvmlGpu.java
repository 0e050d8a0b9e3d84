package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;

/**
 * One device found at start: its handle, static info, its GPM sampler (null without GPM) and its
 * MIG layout ({@link NvmlMig#NONE} without MIG).
 */
record NvmlGpu(int index, Device handle, GpuDeviceInfo info, GpmSampler gpm, NvmlMig mig) {}
