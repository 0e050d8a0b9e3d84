package io.aiwatch.source.storage;

import io.aiwatch.collect.Collector;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the storage collectors from the {@code storage:} config. Four collectors, each on its own
 * thread, so a stuck network mount delays only the filesystem collector, never the disk counters:
 * {@code storage_disk}, {@code storage_filesystem}, {@code storage_zfs}, {@code storage_process}.
 */
public final class StorageCollectors {
    private StorageCollectors() {}

    /**
     * @param gpuPids pids that use a GPU now (from the GPU collector's last snapshot); called once per
     *                collection of {@code storage_process}, must be cheap and thread-safe
     * @return the collectors, empty when {@code enabled} is false
     */
    public static List<Collector> create(StorageConfig config, Clock clock, Supplier<Set<Long>> gpuPids) {
        return create(config, clock, gpuPids, new Statvfs());
    }

    /** As {@link #create(StorageConfig, Clock, Supplier)} with another statvfs (tests). */
    public static List<Collector> create(
            StorageConfig config, Clock clock, Supplier<Set<Long>> gpuPids, FsStatter statter) {
        if (!config.enabled()) {
            return List.of();
        }
        ParseErrors errors = new ParseErrors();
        return List.of(
                new DiskCollector(config, clock, errors),
                new FilesystemCollector(config, errors, statter),
                new ZfsCollector(config, errors),
                new ProcessIoCollector(config, errors, gpuPids));
    }
}
