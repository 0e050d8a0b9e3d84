package io.aiwatch.tool.cuda;

/**
 * Device memory as {@code cuMemGetInfo} reports it.
 *
 * @param freeBytes bytes free now (other processes' allocations included)
 * @param totalBytes bytes on the device
 */
public record MemoryInfo(long freeBytes, long totalBytes) {
    /** Bytes in use by anyone. */
    public long usedBytes() {
        return totalBytes - freeBytes;
    }
}
