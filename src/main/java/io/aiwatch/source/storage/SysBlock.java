package io.aiwatch.source.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reads block device facts from sysfs ({@code <sys>/block/<dev>} for disks,
 * {@code <sys>/class/block/<dev>} for partitions). A device can vanish between reading
 * {@code /proc/diskstats} and reading sysfs: then the values are empty, never an exception.
 */
final class SysBlock {
    /** Partition names, used only when sysfs cannot tell (device gone, no sysfs in a container). */
    private static final Pattern PARTITION_NAME =
            Pattern.compile("^((h|s|v|xv)d[a-z]+|(nvme\\d+n\\d+|mmcblk\\d+)p)\\d+$");

    private final Path sys;

    SysBlock(Path sysRoot) {
        this.sys = sysRoot;
    }

    /** True for a partition: sysfs has a {@code partition} file for it, or (no sysfs entry) its name says so. */
    boolean isPartition(String device) {
        if (Files.isDirectory(sys.resolve("block").resolve(device))) {
            return false;
        }
        Path classEntry = sys.resolve("class").resolve("block").resolve(device);
        if (Files.exists(classEntry)) {
            return Files.exists(classEntry.resolve("partition"));
        }
        return PARTITION_NAME.matcher(device).matches();
    }

    DiskInfo info(String device, boolean partition) {
        Path dir = sys.resolve("block").resolve(device);
        if (partition) {
            // The partition's queue is its disk's: <sys>/class/block/sda1 -> .../block/sda/sda1.
            Path parent = realPath(sys.resolve("class").resolve("block").resolve(device))
                    .getParent();
            dir = parent != null ? parent : dir;
        }
        String rotational = read(dir.resolve("queue/rotational"));
        String sysPath = realPath(dir).toString();
        String diskName = dir.getFileName() == null ? device : dir.getFileName().toString();
        return new DiskInfo(
                device,
                partition,
                read(dir.resolve("device/model")),
                DeviceClass.of(diskName, sysPath, rotational),
                rotational,
                activeScheduler(read(dir.resolve("queue/scheduler"))),
                read(dir.resolve("queue/logical_block_size")));
    }

    /** {@code none [mq-deadline] kyber} gives {@code mq-deadline}; a single word is itself. */
    static String activeScheduler(String line) {
        int open = line.indexOf('[');
        int close = line.indexOf(']', open + 1);
        if (open >= 0 && close > open) {
            return line.substring(open + 1, close);
        }
        return line.contains(" ") ? "" : line;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }
}
