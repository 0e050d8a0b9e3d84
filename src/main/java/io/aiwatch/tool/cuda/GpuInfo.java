package io.aiwatch.tool.cuda;

/**
 * What the driver says about one GPU, read once when a {@link CudaContext} opens.
 *
 * @param ordinal CUDA device ordinal
 * @param name marketing name, e.g. "NVIDIA H100 80GB HBM3"
 * @param computeMajor compute capability, major (9 for Hopper)
 * @param computeMinor compute capability, minor
 * @param multiprocessors streaming multiprocessors
 * @param totalMemoryBytes device memory in bytes
 * @param l2CacheBytes L2 cache in bytes
 * @param memoryBusWidthBits memory bus width in bits
 * @param memoryClockKhz peak memory clock in kHz (as the driver reports it)
 * @param smClockKhz peak SM clock in kHz
 * @param sharedMemoryPerBlockOptinBytes largest dynamic shared memory a block may opt into
 * @param driverVersion driver CUDA version, major * 1000 + minor * 10
 */
public record GpuInfo(
        int ordinal,
        String name,
        int computeMajor,
        int computeMinor,
        int multiprocessors,
        long totalMemoryBytes,
        long l2CacheBytes,
        int memoryBusWidthBits,
        int memoryClockKhz,
        int smClockKhz,
        int sharedMemoryPerBlockOptinBytes,
        int driverVersion) {

    /** Compute capability as "9.0". */
    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    /**
     * Theoretical memory bandwidth in bytes/s from bus width and clock (double data rate), a lead
     * only: measured copies are the ceiling that counts.
     */
    public double theoreticalMemoryBytesPerSecond() {
        return 2.0 * memoryClockKhz * 1000.0 * memoryBusWidthBits / 8.0;
    }
}
