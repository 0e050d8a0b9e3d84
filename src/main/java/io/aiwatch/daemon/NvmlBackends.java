package io.aiwatch.daemon;

import io.aiwatch.gpu.GpuBackend;

/** Loads the NVML backend. */
final class NvmlBackends {
    private NvmlBackends() {
    }

    static GpuBackend load(String library) throws Exception {
        throw new UnsupportedOperationException("the NVML binding is not part of this build yet");
    }
}
