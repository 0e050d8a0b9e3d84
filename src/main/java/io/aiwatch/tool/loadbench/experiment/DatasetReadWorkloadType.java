package io.aiwatch.tool.loadbench.experiment;

import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadType;
import java.util.List;

/**
 * {@code kind: dataset-read}: random reads of one block size at one queue depth (O_DIRECT, native
 * AIO) over a file on a tier, beside fio's twin; per-read latency goes to the {@code read}
 * histogram, so the report gives pooled percentiles. See docs/LOADBENCH.md.
 */
public final class DatasetReadWorkloadType implements WorkloadType {
    @Override
    public String kind() {
        return "dataset-read";
    }

    @Override
    public String description() {
        return "random reads (block size, queue depth, O_DIRECT) with latency percentiles, beside fio";
    }

    @Override
    public void validate(Parameters parameters) {
        StorageParameters.random(parameters);
    }

    @Override
    public Workload create(Parameters parameters) {
        return new StorageWorkload(StorageParameters.random(parameters));
    }

    @Override
    public List<String> reportMetrics() {
        return List.of("aiwatch_iops_per_s", "fio_iops_per_s", "aiwatch_fio_ratio", "aiwatch_p99_ms", "fio_p99_ms");
    }
}
