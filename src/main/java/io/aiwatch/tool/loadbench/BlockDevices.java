package io.aiwatch.tool.loadbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the block devices a file's reads reach, by the file's {@code st_dev} and sysfs: the disk
 * holding it (a partition's parent disk), and for a loop device the disk under its backing file,
 * and so on. Files on tmpfs, overlay or ZFS have an anonymous device (major 0) and no block device
 * of their own: the list is empty and the benchmark says so.
 */
public final class BlockDevices {
    private final Path sys;

    public BlockDevices() {
        this(Path.of("/sys"));
    }

    BlockDevices(Path sysRoot) {
        this.sys = sysRoot;
    }

    /** Kernel names of the whole disks under {@code file}, nearest first ({@code [loop0, vda]}). */
    public List<String> of(Path file) throws IOException {
        List<String> chain = new ArrayList<>();
        Path current = file;
        for (int depth = 0; depth < 8; depth++) {
            long dev = (Long) Files.getAttribute(current, "unix:dev");
            String disk = diskOf(major(dev), minor(dev));
            if (disk == null || chain.contains(disk)) {
                break;
            }
            chain.add(disk);
            Path backing = sys.resolve("block").resolve(disk).resolve("loop/backing_file");
            if (!Files.isReadable(backing)) {
                break;
            }
            current = Path.of(Files.readString(backing).strip());
        }
        return List.copyOf(chain);
    }

    /** The whole disk for {@code major:minor}, or null when there is no block device. */
    String diskOf(long major, long minor) {
        Path link = sys.resolve("dev/block").resolve(major + ":" + minor);
        if (major == 0 || !Files.exists(link)) {
            return null;
        }
        try {
            Path real = link.toRealPath();
            if (Files.exists(real.resolve("partition")) && real.getParent() != null) {
                return real.getParent().getFileName().toString();
            }
            return real.getFileName().toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** glibc's {@code gnu_dev_major}. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    /** glibc's {@code gnu_dev_minor}. */
    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }
}
