package io.aiwatch.tool.loadbench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Controls and measures how much of a file sits in the page cache. A cold run starts after
 * {@link #drop}: {@code posix_fadvise(POSIX_FADV_DONTNEED)} on the file (affects only that file, so
 * it is the default on a shared machine) or the global {@code /proc/sys/vm/drop_caches} (root only,
 * empties everyone's cache). Either way {@link #residentBytes} then says, through {@code mincore},
 * what really left: on tmpfs nothing can leave, since its pages are the storage.
 */
public final class PageCache {
    /** How the cache was emptied before a cold run. */
    public enum DropMethod {
        /** {@code posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)} after {@code fsync}. */
        FADVISE,
        /** {@code sync; echo 1 > /proc/sys/vm/drop_caches} (page cache only, all files). */
        DROP_CACHES,
        /** Nothing dropped: a warm run. */
        NONE
    }

    /**
     * The outcome of a drop.
     *
     * @param method        what was done
     * @param residentAfter bytes of the file still in the page cache afterwards (mincore)
     * @param fileBytes     size of the file
     */
    public record Drop(DropMethod method, long residentAfter, long fileBytes) {
        public double residentRatio() {
            return fileBytes == 0 ? 0 : (double) residentAfter / fileBytes;
        }
    }

    private final Path procRoot;

    public PageCache() {
        this(Path.of("/proc"));
    }

    /** @param procRoot where {@code sys/vm/drop_caches} lives (tests point it elsewhere) */
    PageCache(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** Empties the page cache of {@code file} by {@code method}; NONE only measures. */
    public Drop drop(Path file, DropMethod method) throws IOException {
        switch (method) {
            case FADVISE -> fadviseDontNeed(file);
            case DROP_CACHES -> dropCaches();
            case NONE -> {}
        }
        return new Drop(method, residentBytes(file), Files.size(file));
    }

    /** True when this process may write {@code drop_caches} (root, and /proc/sys not read-only). */
    public boolean dropCachesPermitted() {
        return Files.isWritable(procRoot.resolve("sys/vm/drop_caches"));
    }

    private static void fadviseDontNeed(Path file) throws IOException {
        int fd = Libc.openRead(file.toString(), false);
        try {
            // DONTNEED leaves dirty pages: write them back first or a freshly written file stays warm.
            Libc.C.fsync(fd);
            int rc = Libc.C.posix_fadvise(fd, 0, 0, Libc.POSIX_FADV_DONTNEED);
            if (rc != 0) {
                throw new IOException("posix_fadvise(DONTNEED) " + file + ": " + Libc.strerror(rc));
            }
        } catch (LastErrorException e) {
            throw new IOException("fsync " + file + ": " + Libc.strerror(e.getErrorCode()), e);
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    private void dropCaches() throws IOException {
        Path knob = procRoot.resolve("sys/vm/drop_caches");
        if (!dropCachesPermitted()) {
            throw new IOException(knob + " is not writable (needs root and a writable /proc/sys)");
        }
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            sync.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during sync", e);
        }
        Files.writeString(knob, "1", StandardCharsets.US_ASCII);
    }

    /** Bytes of {@code file} now in the page cache, by {@code mincore} over a read-only mapping. */
    public static long residentBytes(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return 0;
        }
        int fd = Libc.openRead(file.toString(), false);
        try {
            long resident = 0;
            long window = 1L << 30;
            for (long off = 0; off < size; off += window) {
                long len = Math.min(window, size - off);
                Pointer p = Libc.C.mmap(null, len, Libc.PROT_READ, Libc.MAP_SHARED, fd, off);
                try {
                    byte[] vec = new byte[(int) ((len + Libc.PAGE - 1) / Libc.PAGE)];
                    Libc.C.mincore(p, len, vec);
                    for (int i = 0; i < vec.length; i++) {
                        if ((vec[i] & 1) != 0) {
                            resident += Math.min(Libc.PAGE, len - (long) i * Libc.PAGE);
                        }
                    }
                } finally {
                    Libc.C.munmap(p, len);
                }
            }
            return resident;
        } catch (LastErrorException e) {
            throw new IOException("mincore " + file + ": " + Libc.strerror(e.getErrorCode()), e);
        } finally {
            Libc.closeQuietly(fd);
        }
    }
}
