package io.aiwatch.source.gpu;

/**
 * A process holding GPU memory.
 *
 * @param pid             process id as NVML reports it (host PID namespace)
 * @param usedMemoryBytes GPU memory used by the process, bytes; -1 when NVML cannot tell
 *                        (NVML_VALUE_NOT_AVAILABLE, e.g. without permission)
 * @param type            {@code compute} or {@code graphics}
 */
public record GpuProcess(long pid, long usedMemoryBytes, String type) {}
