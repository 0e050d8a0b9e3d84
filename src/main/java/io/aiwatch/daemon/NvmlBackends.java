package io.aiwatch.daemon;

import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import io.aiwatch.source.gpu.nvml.NvmlUnavailableException;
import java.nio.file.Path;
import java.util.Optional;

/** Loads the NVML backend from the configured library path, or the loader's default name. */
final class NvmlBackends {
    private NvmlBackends() {}

    static GpuBackend load(String library) throws NvmlUnavailableException {
        return NvmlLoader.load(Optional.ofNullable(library).map(Path::of));
    }
}
