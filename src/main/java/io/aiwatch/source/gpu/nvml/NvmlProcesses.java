package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuProcess;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlStructs.ProcessInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Compute and graphics processes through the {@code _v3} queries. The list can grow between
 * the size answer and the next call, so INSUFFICIENT_SIZE retries with the size NVML reported
 * (bounded attempts).
 */
final class NvmlProcesses {
    static final String COMPUTE = "nvmlDeviceGetComputeRunningProcesses_v3";
    static final String GRAPHICS = "nvmlDeviceGetGraphicsRunningProcesses_v3";
    private static final int INITIAL_CAPACITY = 32;
    private static final int ATTEMPTS = 5;

    private NvmlProcesses() {}

    /**
     * Both kinds; a kind the device does not support (NOT_SUPPORTED) contributes nothing, any
     * other error is thrown.
     */
    static List<GpuProcess> read(Nvml nvml, Device d) throws GpuCallException {
        List<GpuProcess> out = new ArrayList<>();
        GpuCallException notSupported = null;
        int supportedKinds = 0;
        for (String function : List.of(COMPUTE, GRAPHICS)) {
            try {
                out.addAll(kind(nvml, d, function));
                supportedKinds++;
            } catch (GpuCallException e) {
                if (!e.isNotSupported()) {
                    throw e;
                }
                notSupported = e;
            }
        }
        if (supportedKinds == 0) {
            throw notSupported;
        }
        return List.copyOf(out);
    }

    private static List<GpuProcess> kind(Nvml nvml, Device d, String function) throws GpuCallException {
        nvml.require(function);
        String type = function.equals(COMPUTE) ? "compute" : "graphics";
        int size = new ProcessInfo().size();
        int capacity = INITIAL_CAPACITY;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Memory buf = new Memory((long) size * capacity);
            buf.clear();
            IntByReference count = new IntByReference(capacity);
            int rc = function.equals(COMPUTE)
                    ? nvml.lib.nvmlDeviceGetComputeRunningProcesses_v3(d, count, buf)
                    : nvml.lib.nvmlDeviceGetGraphicsRunningProcesses_v3(d, count, buf);
            if (rc == Nvml.ERROR_INSUFFICIENT_SIZE) {
                capacity = Math.max(capacity * 2, count.getValue() + 8);
                continue;
            }
            nvml.check(function, rc);
            int n = Math.min(count.getValue(), capacity);
            List<GpuProcess> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ProcessInfo p = new ProcessInfo(buf.share((long) i * size));
                p.read();
                // NVML_VALUE_NOT_AVAILABLE is (unsigned long long) -1: without permission, or under WDDM.
                long used = p.usedGpuMemory < 0 ? -1 : p.usedGpuMemory;
                out.add(new GpuProcess(Integer.toUnsignedLong(p.pid), used, type));
            }
            return out;
        }
        throw nvml.error(function, Nvml.ERROR_INSUFFICIENT_SIZE);
    }
}
