package io.aiwatch.tool.loadbench.tier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one directory the benchmark may write in. Every path it writes (synthetic files, images,
 * mount points) comes from {@link #resolve}, which refuses names that leave the directory (an
 * absolute name, {@code ..}, a symbolic link pointing out); and nothing is written before
 * {@link #requireSpace} has checked that the file plus headroom fits.
 */
public final class SafeTarget {
    private final Path root;

    /** @param dir an existing directory */
    public SafeTarget(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not an existing directory");
        }
        this.root = dir.toRealPath();
    }

    public Path root() {
        return root;
    }

    /** {@code name} inside the directory; refuses anything that would end up elsewhere. */
    public Path resolve(String name) throws IOException {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IOException("refusing to write " + name + ": outside " + root);
        }
        // A component that already exists may be a link out of the directory.
        Path existing = p;
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && !existing.toRealPath().startsWith(root)) {
            throw new IOException("refusing to write " + name + ": " + existing + " leads outside " + root);
        }
        return p;
    }

    /** Headroom kept free beyond a file: a tenth of it, at least 64 MiB. */
    public static long headroom(long bytes) {
        return Math.max(64L << 20, bytes / 10);
    }

    /** Throws unless the filesystem of {@code where} has {@code bytes} plus headroom usable. */
    public static void requireSpace(Path where, long bytes, String what) throws IOException {
        long usable = Files.getFileStore(where).getUsableSpace();
        long need = bytes + headroom(bytes);
        if (usable < need) {
            throw new IOException(String.format(
                    Locale.ROOT,
                    "refusing %s: %s has %s usable, needs %s (%s + headroom %s)",
                    what,
                    where,
                    human(usable),
                    human(need),
                    human(bytes),
                    human(headroom(bytes))));
        }
    }

    /** Throws unless {@code MemAvailable} covers {@code bytes} plus headroom (tmpfs and host buffers use RAM). */
    public static void requireMemory(Path meminfo, long bytes, String what) throws IOException {
        long avail = -1;
        for (String line : Files.readAllLines(meminfo)) {
            if (line.startsWith("MemAvailable:")) {
                avail = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        long need = bytes + headroom(bytes);
        if (avail < need) {
            throw new IOException(String.format(
                    Locale.ROOT,
                    "refusing %s: %s of memory available, needs %s (%s + headroom %s)",
                    what,
                    human(avail),
                    human(need),
                    human(bytes),
                    human(headroom(bytes))));
        }
    }

    /** {@code 1.5 GiB}, {@code 64.0 MiB}: sizes for messages and reports. */
    public static String human(long bytes) {
        if (bytes >= (1L << 40)) {
            return String.format(Locale.ROOT, "%.1f TiB", bytes / (double) (1L << 40));
        }
        if (bytes >= (1L << 30)) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
