package io.aiwatch.source.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A writable directory on a real block device, and the whole disk behind it (via mountinfo and /sys/dev/block). */
record BackingDisk(Path dir, String disk) {

    /** Tries the build directory, then /tmp, then /work; fails loudly when none sits on a block device. */
    static BackingDisk find() throws IOException {
        List<Mount> mounts =
                MountinfoParser.parse(Files.readString(Path.of("/proc/self/mountinfo")), new ParseErrors());
        List<String> tried = new ArrayList<>();
        for (Path candidate : List.of(Path.of("target"), Path.of("/tmp"), Path.of("/work"))) {
            if (!Files.isDirectory(candidate) || !Files.isWritable(candidate)) {
                continue;
            }
            Path real = candidate.toRealPath();
            Mount best = null;
            for (Mount m : mounts) {
                boolean under = real.startsWith(m.mountPoint());
                if (under
                        && (best == null
                                || m.mountPoint().length() >= best.mountPoint().length())) {
                    best = m;
                }
            }
            tried.add(real + " on " + (best == null ? "?" : best.fsType() + " " + best.majorMinor()));
            if (best == null || best.majorMinor().startsWith("0:")) {
                continue; // tmpfs, overlay, network: no block device
            }
            Path sys = Path.of("/sys/dev/block", best.majorMinor());
            if (!Files.exists(sys)) {
                continue;
            }
            Path dev = sys.toRealPath();
            String disk = Files.exists(dev.resolve("partition"))
                    ? dev.getParent().getFileName().toString()
                    : dev.getFileName().toString();
            return new BackingDisk(real, disk);
        }
        throw new AssertionError("no writable directory on a block device to generate I/O on; tried " + tried);
    }
}
