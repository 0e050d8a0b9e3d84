package io.aiwatch.tool.loadbench;

/**
 * How a loader reads the file. Each has a fio engine that does the same system calls, so that the
 * two can be compared on the same file, block size and job count.
 */
public enum ReadMethod {
    /** {@code pread} through the page cache into the destination's buffer (fio {@code psync}, direct=0). */
    BUFFERED("psync", false),
    /** {@code pread} with {@code O_DIRECT} into aligned buffers, bypassing the page cache (fio {@code psync}, direct=1). */
    DIRECT("psync", true),
    /**
     * {@code mmap} of the reader's range with {@code MADV_SEQUENTIAL} and
     * {@code POSIX_FADV_SEQUENTIAL}, copied out block by block (fio {@code mmap} with its default
     * {@code fadvise_hint}, which does both).
     */
    MMAP("mmap", false);

    private final String fioEngine;
    private final boolean direct;

    ReadMethod(String fioEngine, boolean direct) {
        this.fioEngine = fioEngine;
        this.direct = direct;
    }

    public String fioEngine() {
        return fioEngine;
    }

    /**
     * Whether fio runs with {@code fadvise_hint=1}. Only the mmap reader gives the kernel sequential
     * hints; the pread readers (Java's FileChannel has no fadvise) give none, so fio must not either.
     */
    public boolean fioFadviseHint() {
        return this == MMAP;
    }

    public boolean direct() {
        return direct;
    }

    /** Lower-case name used on the command line and in results. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
