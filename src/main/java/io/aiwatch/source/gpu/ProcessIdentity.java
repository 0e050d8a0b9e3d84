package io.aiwatch.source.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names a process for per-process GPU memory series: its command name from
 * {@code /proc/PID/comm} and its container id from {@code /proc/PID/cgroup} (docker, containerd,
 * cri-o and podman ids are 64 hex digits). The proc root is injectable for tests.
 */
public final class ProcessIdentity {
    private static final Pattern CONTAINER_ID = Pattern.compile("([0-9a-f]{64})");

    private final Path procRoot;

    public ProcessIdentity(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** Command name (at most 15 characters, as the kernel keeps it), or {@code unknown}. */
    public String command(long pid) {
        try {
            String comm = Files.readString(procRoot.resolve(Long.toString(pid)).resolve("comm"), StandardCharsets.UTF_8)
                    .trim();
            return comm.isEmpty() ? "unknown" : comm;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The first 12 hex digits of the container id (as {@code docker ps} shows), or empty. */
    public String containerId(long pid) {
        try {
            String cgroup =
                    Files.readString(procRoot.resolve(Long.toString(pid)).resolve("cgroup"), StandardCharsets.UTF_8);
            Matcher m = CONTAINER_ID.matcher(cgroup);
            return m.find() ? m.group(1).substring(0, 12) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
