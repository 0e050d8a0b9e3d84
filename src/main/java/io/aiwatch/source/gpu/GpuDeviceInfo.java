package io.aiwatch.source.gpu;

/**
 * What does not change while the daemon runs: identity and static limits of one GPU.
 *
 * @param index                 NVML device index (the {@code gpu} label)
 * @param uuid                  {@code GPU-...} UUID
 * @param pciBusId              PCI bus id as NVML formats it, e.g. {@code 00000000:8D:00.0}
 * @param minorNumber           /dev/nvidiaN minor number, or -1 when unknown
 * @param modelName             marketing name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param brand                 brand name, e.g. {@code NVIDIA}
 * @param serial                board serial, or empty
 * @param vbiosVersion          VBIOS version, or empty
 * @param memoryTotalBytes      total framebuffer, bytes
 * @param powerLimitWatts       enforced power limit, watts (NaN when unknown)
 * @param slowdownTempCelsius   temperature at which the GPU slows down, °C (NaN when unknown)
 * @param shutdownTempCelsius   temperature at which the GPU shuts down, °C (NaN when unknown)
 * @param memoryMaxTempCelsius  HBM maximum operating temperature, °C (NaN when unknown)
 * @param gpmSupported          true when NVML's GPM profiling metrics work on this device
 */
public record GpuDeviceInfo(
        int index,
        String uuid,
        String pciBusId,
        int minorNumber,
        String modelName,
        String brand,
        String serial,
        String vbiosVersion,
        long memoryTotalBytes,
        double powerLimitWatts,
        double slowdownTempCelsius,
        double shutdownTempCelsius,
        double memoryMaxTempCelsius,
        boolean gpmSupported) {}
