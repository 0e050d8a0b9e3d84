package io.aiwatch.tool.loadbench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls Java has no API for: {@code posix_fadvise}, {@code mmap}/{@code madvise}/
 * {@code munmap} (Java cannot unmap, and a mapping that stays keeps the page cache from being
 * dropped), {@code mincore}, and {@code open} for the file descriptor native AIO needs. Constants
 * are Linux's for x86-64 and aarch64 (asm-generic); only {@code O_DIRECT} differs between them.
 */
final class Libc {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    /** {@code O_DIRECT}: 040000 on x86-64, 0200000 on aarch64 (asm-generic/fcntl.h vs arch/arm64). */
    static final int O_DIRECT = System.getProperty("os.arch").equals("aarch64") ? 0x10000 : 0x4000;

    static final int PROT_READ = 1;
    static final int MAP_SHARED = 1;
    static final int MADV_RANDOM = 1;
    static final int MADV_SEQUENTIAL = 2;
    static final int POSIX_FADV_SEQUENTIAL = 2;
    static final int POSIX_FADV_DONTNEED = 4;
    static final long PAGE = 4096;

    interface C extends Library {
        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int fsync(int fd) throws LastErrorException;

        /** Returns the error number itself (0 on success); does not set errno. */
        int posix_fadvise(int fd, long offset, long len, int advice);

        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

        int munmap(Pointer addr, long length) throws LastErrorException;

        int madvise(Pointer addr, long length, int advice) throws LastErrorException;

        int mincore(Pointer addr, long length, byte[] vec) throws LastErrorException;
    }

    static final C C = Native.load("c", C.class);

    private Libc() {}

    /** Opens read-only, with {@code O_DIRECT} when asked; throws an {@link java.io.IOException} with errno. */
    static int openRead(String path, boolean direct) throws java.io.IOException {
        try {
            return C.open(path, O_RDONLY | O_CLOEXEC | (direct ? O_DIRECT : 0));
        } catch (LastErrorException e) {
            throw new java.io.IOException(
                    "open " + path + (direct ? " with O_DIRECT" : "") + ": " + strerror(e.getErrorCode()), e);
        }
    }

    static void closeQuietly(int fd) {
        try {
            C.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do with a failed close of a read-only descriptor
        }
    }

    static String strerror(int errno) {
        return switch (errno) {
            case 1 -> "EPERM (operation not permitted)";
            case 2 -> "ENOENT (no such file)";
            case 12 -> "ENOMEM (out of memory)";
            case 13 -> "EACCES (permission denied)";
            case 22 -> "EINVAL (invalid argument; O_DIRECT not supported or misaligned?)";
            case 38 -> "ENOSYS (not implemented)";
            case 95 -> "EOPNOTSUPP (not supported)";
            default -> "errno " + errno;
        };
    }
}
