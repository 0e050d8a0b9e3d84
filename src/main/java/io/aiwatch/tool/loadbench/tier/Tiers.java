package io.aiwatch.tool.loadbench.tier;

import io.aiwatch.source.storage.Mount;
import io.aiwatch.source.storage.MountinfoParser;
import io.aiwatch.source.storage.ParseErrors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Storage tiers to load from, each a directory inside the benchmark's {@link SafeTarget}:
 * {@code disk} (the directory's own filesystem), {@code xfs} (XFS made by xfsprogs on a loop
 * device over an image file, the loop in direct-I/O mode so that cold reads are not served from
 * the image's page cache), {@code tmpfs} (the memory tier) and {@code zfs} (a pool on a file vdev,
 * where the kernel has ZFS). Everything made is registered with {@link Cleanup} as it is made, so an
 * interruption at any point undoes exactly what exists. A tier that cannot be made is returned
 * with the reason: a negative result for the report, not an error.
 */
public final class Tiers {
    /** Names accepted by {@link #create}. */
    public static final List<String> NAMES = List.of("disk", "xfs", "tmpfs", "zfs");

    /** XFS refuses filesystems below 300 MB. */
    static final long XFS_MIN_BYTES = 512L << 20;

    /**
     * One tier.
     *
     * @param name        disk, xfs, tmpfs, zfs
     * @param dir         where its files go (null when unavailable)
     * @param fsType      filesystem type from mountinfo
     * @param setup       what was made, for the report ({@code loop0 (direct-io) on xfs.img})
     * @param unavailable why the tier could not be made, or null
     */
    public record Tier(String name, Path dir, String fsType, String setup, String unavailable) {
        public boolean available() {
            return unavailable == null;
        }

        static Tier missing(String name, String reason) {
            return new Tier(name, null, "", "", reason);
        }
    }

    private final SafeTarget target;
    private final Commands cmd;
    private final Cleanup cleanup;
    private final Path procRoot;

    public Tiers(SafeTarget target, Commands cmd, Cleanup cleanup) {
        this(target, cmd, cleanup, Path.of("/proc"));
    }

    Tiers(SafeTarget target, Commands cmd, Cleanup cleanup, Path procRoot) {
        this.target = target;
        this.cmd = cmd;
        this.cleanup = cleanup;
        this.procRoot = procRoot;
    }

    /** Makes tier {@code name} for a file of {@code fileBytes}; never throws for a tier that cannot be made. */
    public Tier create(String name, long fileBytes) throws InterruptedException {
        try {
            return switch (name) {
                case "disk" -> disk(fileBytes);
                case "xfs" -> xfs(fileBytes);
                case "tmpfs" -> tmpfs(fileBytes);
                case "zfs" -> zfs(fileBytes);
                default -> throw new IllegalArgumentException("unknown tier " + name + "; known: " + NAMES);
            };
        } catch (IOException e) {
            return Tier.missing(name, e.getMessage());
        }
    }

    private Tier disk(long fileBytes) throws IOException {
        Path dir = directory("disk");
        SafeTarget.requireSpace(dir, fileBytes, "a " + SafeTarget.human(fileBytes) + " file");
        return new Tier("disk", dir, fsType(dir), "directory " + dir, null);
    }

    private Tier xfs(long fileBytes) throws IOException, InterruptedException {
        long imageBytes = imageBytes(fileBytes);
        SafeTarget.requireSpace(target.root(), imageBytes, "an XFS image of " + SafeTarget.human(imageBytes));
        Path image = target.resolve("xfs.img");
        if (Files.exists(image)) {
            throw new IOException(image + " exists (left by an interrupted run? see --cleanup)");
        }
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(imageBytes);
        }
        cleanup.push("delete " + image, () -> Files.deleteIfExists(image));
        String mode = "direct-io";
        Commands.Result attach = cmd.run(List.of("losetup", "--find", "--show", "--direct-io=on", image.toString()));
        if (!attach.ok()) {
            // Older kernels or backing filesystems without O_DIRECT: buffered loop, and the report says so.
            mode = "buffered (direct-io refused: " + attach.output().strip() + ")";
            attach = cmd.run(List.of("losetup", "--find", "--show", image.toString()));
        }
        if (!attach.ok()) {
            throw new IOException("losetup: " + attach.output().strip());
        }
        String dev = attach.output().strip();
        cleanup.push("losetup -d " + dev, () -> cmd.check(List.of("losetup", "-d", dev)));
        cmd.check(List.of("mkfs.xfs", "-q", "-f", dev));
        Path mnt = mountPoint("xfs");
        cmd.check(List.of("mount", "-t", "xfs", "-o", "noatime", dev, mnt.toString()));
        cleanup.push("umount " + mnt, () -> unmount(mnt));
        return new Tier("xfs", mnt, "xfs", dev + " (" + mode + ") on " + image.getFileName(), null);
    }

    private Tier tmpfs(long fileBytes) throws IOException, InterruptedException {
        SafeTarget.requireMemory(procRoot.resolve("meminfo"), fileBytes, "a tmpfs of " + SafeTarget.human(fileBytes));
        long size = mebibytes(fileBytes + SafeTarget.headroom(fileBytes));
        Path mnt = mountPoint("tmpfs");
        cmd.check(List.of(
                "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "aiwatch-loadbench", mnt.toString()));
        cleanup.push("umount " + mnt, () -> unmount(mnt));
        return new Tier("tmpfs", mnt, "tmpfs", "tmpfs size=" + SafeTarget.human(size), null);
    }

    private Tier zfs(long fileBytes) throws IOException, InterruptedException {
        String why = zfsUnavailable();
        if (why != null) {
            throw new IOException(why);
        }
        long imageBytes = imageBytes(fileBytes);
        SafeTarget.requireSpace(target.root(), imageBytes, "a ZFS vdev of " + SafeTarget.human(imageBytes));
        Path image = target.resolve("zfs.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(imageBytes);
        }
        cleanup.push("delete " + image, () -> Files.deleteIfExists(image));
        Path mnt = mountPoint("zfs");
        String pool = "aiwatchlb" + ProcessHandle.current().pid();
        cmd.check(List.of(
                "zpool",
                "create",
                "-o",
                "ashift=12",
                "-O",
                "atime=off",
                "-O",
                "mountpoint=" + mnt,
                pool,
                image.toString()));
        cleanup.push("zpool destroy " + pool, () -> cmd.check(List.of("zpool", "destroy", "-f", pool)));
        return new Tier("zfs", mnt, "zfs", "pool " + pool + " on " + image.getFileName(), null);
    }

    /**
     * Size of an image that holds the file plus its headroom after the filesystem's own metadata:
     * 15 % more plus 64 MiB (XFS keeps its log and allocation groups, ZFS its slop space), at least
     * {@link #XFS_MIN_BYTES}.
     */
    static long imageBytes(long fileBytes) {
        long need = fileBytes + SafeTarget.headroom(fileBytes);
        return Math.max(XFS_MIN_BYTES, mebibytes(need + need * 15 / 100 + (64L << 20)));
    }

    /** {@code bytes} rounded up to whole MiB. */
    private static long mebibytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20 << 20;
    }

    /**
     * Unmounts; when the mount is still busy (an interrupted run's reader still has the file open
     * while the shutdown hook runs), detaches it lazily: the kernel finishes when the last file
     * closes, at the latest when this process exits. A loop device under it is then released by
     * {@code losetup -d}'s autoclear.
     */
    private void unmount(Path mnt) throws IOException, InterruptedException {
        Commands.Result r = cmd.run(List.of("umount", mnt.toString()));
        if (!r.ok()) {
            cmd.check(List.of("umount", "--lazy", mnt.toString()));
        }
    }

    /** Why ZFS cannot be used here, or null when it can. */
    String zfsUnavailable() throws IOException, InterruptedException {
        boolean inKernel = Files.readString(procRoot.resolve("filesystems"))
                .lines()
                .anyMatch(l -> l.strip().endsWith("zfs"));
        if (!inKernel) {
            if (!Files.exists(procRoot.resolve("modules"))) {
                return "no zfs in /proc/filesystems and the kernel cannot load modules (no /proc/modules:"
                        + " built without CONFIG_MODULES)";
            }
            Commands.Result probe = cmd.run(List.of("modprobe", "zfs"));
            if (!probe.ok()) {
                return "modprobe zfs failed: " + probe.output().strip();
            }
        }
        Commands.Result zpool = cmd.run(List.of("zpool", "version"));
        if (!zpool.ok()) {
            return "zpool not usable (Debian package zfsutils-linux, contrib): "
                    + zpool.output().strip();
        }
        return null;
    }

    private Path directory(String name) throws IOException {
        Path dir = target.resolve(name);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
            cleanup.push("remove " + dir, () -> Files.deleteIfExists(dir));
        }
        return dir;
    }

    private Path mountPoint(String name) throws IOException {
        Path dir = target.resolve(name);
        if (Files.exists(dir)) {
            throw new IOException(dir + " exists (left by an interrupted run? see --cleanup)");
        }
        Files.createDirectory(dir);
        cleanup.push("remove " + dir, () -> Files.deleteIfExists(dir));
        return dir;
    }

    /** The filesystem type of the mount holding {@code dir}, from mountinfo. */
    public String fsType(Path dir) throws IOException {
        Mount best = null;
        for (Mount m : mounts()) {
            if (dir.startsWith(m.mountPoint())
                    && (best == null
                            || m.mountPoint().length() >= best.mountPoint().length())) {
                best = m;
            }
        }
        return best == null ? "unknown" : best.fsType();
    }

    private List<Mount> mounts() throws IOException {
        return MountinfoParser.parse(Files.readString(procRoot.resolve("self/mountinfo")), new ParseErrors());
    }

    /**
     * Mounts under the target directory and loop devices whose image lies in it: what an earlier run
     * that was killed (SIGKILL, power loss) left. Mount points deepest first.
     */
    public List<String> leftovers(Path sysRoot) throws IOException {
        List<String> out = new ArrayList<>();
        mounts().stream()
                .map(Mount::mountPoint)
                .filter(m -> Path.of(m).startsWith(target.root()))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .forEach(m -> out.add("mount " + m));
        Path block = sysRoot.resolve("block");
        if (Files.isDirectory(block)) {
            try (DirectoryStream<Path> loops = Files.newDirectoryStream(block, "loop*")) {
                for (Path l : loops) {
                    Path backing = l.resolve("loop/backing_file");
                    if (Files.isReadable(backing)
                            && Path.of(Files.readString(backing).strip()).startsWith(target.root())) {
                        out.add("loop /dev/" + l.getFileName());
                    }
                }
            }
        }
        return out;
    }

    /** Unmounts and detaches the {@link #leftovers}; returns what it did. */
    public List<String> removeLeftovers(Path sysRoot) throws IOException, InterruptedException {
        List<String> done = new ArrayList<>();
        for (String l : leftovers(sysRoot)) {
            String what = l.substring(l.indexOf(' ') + 1);
            List<String> undo = l.startsWith("mount ") ? List.of("umount", what) : List.of("losetup", "-d", what);
            cmd.check(undo);
            done.add(String.join(" ", undo));
        }
        return done;
    }
}
