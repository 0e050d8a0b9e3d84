package io.aiwatch.source.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.aiwatch.config.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code storage:} section of the daemon config. Every key is optional; absent keys take the
 * value of {@link #defaults()}. Durations are written as {@code 15s}, {@code 500ms}, {@code 2m}.
 *
 * @param enabled            false turns all storage collectors off
 * @param interval           time between two collections of every storage collector
 * @param includePartitions  also report partitions ({@code sda1}, {@code nvme0n1p2}); whole disks only by default
 * @param diskExclude        devices whose name matches are not reported (node_exporter's default minus partitions,
 *                           which {@code include_partitions} handles)
 * @param procRoot           procfs root; a fixture tree in tests, {@code /host/proc} in a container
 * @param sysRoot            sysfs root
 * @param rootfs             prefix for statvfs paths when the host's root is mounted elsewhere ({@code /host})
 * @param mountTimeout       longest wait for one statvfs; a mount still stuck is reported and skipped
 * @param fsTypesExclude     filesystem types not reported (node_exporter's default)
 * @param mountPointsExclude mount points not reported (node_exporter's default)
 * @param processPatterns    regexes searched in {@code /proc/PID/cmdline}; matching processes get I/O metrics
 * @param maxProcesses       most processes reported by the process I/O collector, GPU users first
 */
public record StorageConfig(
        boolean enabled,
        Duration interval,
        boolean includePartitions,
        String diskExclude,
        Path procRoot,
        Path sysRoot,
        Path rootfs,
        Duration mountTimeout,
        String fsTypesExclude,
        String mountPointsExclude,
        List<String> processPatterns,
        int maxProcesses) {

    /** node_exporter 1.8+ diskstats exclude without its partition alternatives. */
    public static final String DEFAULT_DISK_EXCLUDE = "^(z?ram|loop|fd)\\d+$";
    /** node_exporter's default {@code --collector.filesystem.fs-types-exclude} (v1.10). */
    public static final String DEFAULT_FS_TYPES_EXCLUDE = "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts"
            + "|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs"
            + "|selinuxfs|squashfs|erofs|sysfs|tracefs)$";
    /** node_exporter's default {@code --collector.filesystem.mount-points-exclude} (upstream, v1.5+). */
    public static final String DEFAULT_MOUNT_POINTS_EXCLUDE =
            "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";

    public StorageConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(mountTimeout, "mount_timeout");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("storage.interval must be positive, got " + interval);
        }
        if (mountTimeout.isNegative() || mountTimeout.isZero()) {
            throw new IllegalArgumentException("storage.mount_timeout must be positive, got " + mountTimeout);
        }
        if (maxProcesses < 0) {
            throw new IllegalArgumentException("storage.max_processes must be >= 0, got " + maxProcesses);
        }
        processPatterns = List.copyOf(processPatterns);
        check("disk_exclude", diskExclude);
        check("fs_types_exclude", fsTypesExclude);
        check("mount_points_exclude", mountPointsExclude);
        processPatterns.forEach(p -> check("process_patterns", p));
    }

    /** Jackson entry point: absent keys fall back to {@link #defaults()}. */
    @JsonCreator
    static StorageConfig fromJson(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("interval") @JsonDeserialize(using = DurationText.Json.class) Duration interval,
            @JsonProperty("include_partitions") Boolean includePartitions,
            @JsonProperty("disk_exclude") String diskExclude,
            @JsonProperty("proc_root") String procRoot,
            @JsonProperty("sys_root") String sysRoot,
            @JsonProperty("rootfs") String rootfs,
            @JsonProperty("mount_timeout") @JsonDeserialize(using = DurationText.Json.class) Duration mountTimeout,
            @JsonProperty("fs_types_exclude") String fsTypesExclude,
            @JsonProperty("mount_points_exclude") String mountPointsExclude,
            @JsonProperty("process_patterns") List<String> processPatterns,
            @JsonProperty("max_processes") Integer maxProcesses) {
        StorageConfig d = defaults();
        return new StorageConfig(
                enabled != null ? enabled : d.enabled,
                interval != null ? interval : d.interval,
                includePartitions != null ? includePartitions : d.includePartitions,
                diskExclude != null ? diskExclude : d.diskExclude,
                procRoot != null ? Path.of(procRoot) : d.procRoot,
                sysRoot != null ? Path.of(sysRoot) : d.sysRoot,
                rootfs != null ? Path.of(rootfs) : d.rootfs,
                mountTimeout != null ? mountTimeout : d.mountTimeout,
                fsTypesExclude != null ? fsTypesExclude : d.fsTypesExclude,
                mountPointsExclude != null ? mountPointsExclude : d.mountPointsExclude,
                processPatterns != null ? processPatterns : d.processPatterns,
                maxProcesses != null ? maxProcesses : d.maxProcesses);
    }

    public static StorageConfig defaults() {
        return new StorageConfig(
                true,
                Duration.ofSeconds(5),
                false,
                DEFAULT_DISK_EXCLUDE,
                Path.of("/proc"),
                Path.of("/sys"),
                Path.of("/"),
                Duration.ofSeconds(5),
                DEFAULT_FS_TYPES_EXCLUDE,
                DEFAULT_MOUNT_POINTS_EXCLUDE,
                List.of("vllm"),
                32);
    }

    /** A copy reading procfs and sysfs under other roots (fixture trees in tests). */
    public StorageConfig withRoots(Path proc, Path sys) {
        return new StorageConfig(
                enabled,
                interval,
                includePartitions,
                diskExclude,
                proc,
                sys,
                rootfs,
                mountTimeout,
                fsTypesExclude,
                mountPointsExclude,
                processPatterns,
                maxProcesses);
    }

    private static void check(String key, String regex) {
        Objects.requireNonNull(regex, key);
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "storage." + key + ": invalid regex " + regex + ": " + e.getDescription());
        }
    }
}
