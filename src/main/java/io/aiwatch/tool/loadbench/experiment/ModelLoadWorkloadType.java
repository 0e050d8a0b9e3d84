package io.aiwatch.tool.loadbench.experiment;

import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadType;
import java.util.List;

/**
 * {@code kind: model-load}: loads a safetensors file (synthetic, on a tier made inside {@code dir},
 * or an existing {@code file}) with one read method and reader count from a cold or warm cache,
 * beside fio's twin; see docs/LOADBENCH.md.
 */
public final class ModelLoadWorkloadType implements WorkloadType {
    @Override
    public String kind() {
        return "model-load";
    }

    @Override
    public String description() {
        return "load a safetensors file (buffered, O_DIRECT or mmap, N readers, cold or warm) beside fio";
    }

    @Override
    public void validate(Parameters parameters) {
        StorageParameters.load(parameters);
    }

    @Override
    public Workload create(Parameters parameters) {
        return new StorageWorkload(StorageParameters.load(parameters));
    }

    @Override
    public List<String> reportMetrics() {
        return List.of(
                "aiwatch_bytes_per_s",
                "fio_bytes_per_s",
                "aiwatch_fio_ratio",
                "daemon_disk_read_ratio",
                "daemon_process_read_ratio",
                "daemon_disk_queue_depth",
                "cpu_busy_ratio");
    }
}
