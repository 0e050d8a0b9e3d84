package io.aiwatch.tool.loadbench;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;

/**
 * Linux native asynchronous I/O ({@code io_submit}) through {@code libaio.so.1}, the engine fio
 * calls {@code libaio}: the way to keep 32 reads in flight from one thread. Only {@code O_DIRECT}
 * reads are asynchronous (buffered ones complete inside {@code io_submit}). The control blocks are
 * written at fixed offsets of {@code struct iocb} and {@code struct io_event} from
 * {@code <linux/aio_abi.h>} (little-endian, 64-bit); {@code AioLayoutTest} checks them against the
 * C compiler.
 */
final class LinuxAio implements AutoCloseable {
    static final int IOCB_BYTES = 64;
    static final int IOCB_DATA = 0;
    static final int IOCB_OPCODE = 16;
    static final int IOCB_FILDES = 20;
    static final int IOCB_BUF = 24;
    static final int IOCB_NBYTES = 32;
    static final int IOCB_OFFSET = 40;
    static final int EVENT_BYTES = 32;
    static final int EVENT_DATA = 0;
    static final int EVENT_RES = 16;
    static final short IOCB_CMD_PREAD = 0;

    interface Aio extends Library {
        /** All four return a negative errno on failure (libaio does not set errno). */
        int io_setup(int maxevents, PointerByReference ctxp);

        int io_destroy(Pointer ctx);

        int io_submit(Pointer ctx, long nr, Pointer iocbpp);

        int io_getevents(Pointer ctx, long minNr, long nr, Pointer events, Pointer timeout);
    }

    private static volatile Aio aio;

    private final Pointer ctx;
    private final Memory iocbs;
    private final Memory pointers;
    private final Memory events;
    private final int depth;

    /** A context for {@code depth} reads in flight. */
    LinuxAio(int depth) throws IOException {
        this.depth = depth;
        PointerByReference ref = new PointerByReference();
        int rc = lib().io_setup(depth, ref);
        if (rc < 0) {
            throw new IOException("io_setup(" + depth + "): " + Libc.strerror(-rc)
                    + (-rc == 11 ? " (EAGAIN: raise /proc/sys/fs/aio-max-nr)" : ""));
        }
        ctx = ref.getValue();
        iocbs = new Memory((long) IOCB_BYTES * depth);
        iocbs.clear();
        pointers = new Memory(8L * depth);
        events = new Memory((long) EVENT_BYTES * depth);
    }

    /** Loads libaio once; a clear message when it is not installed (Debian package libaio1). */
    static Aio lib() throws IOException {
        Aio a = aio;
        if (a == null) {
            try {
                a = Native.load("libaio.so.1", Aio.class);
            } catch (UnsatisfiedLinkError e) {
                throw new IOException("libaio.so.1 not found (install Debian package libaio1): " + e.getMessage(), e);
            }
            aio = a;
        }
        return a;
    }

    /** Fills control block {@code slot} with a read of {@code bytes} at {@code offset} of {@code fd} into {@code buf}. */
    void prepareRead(int slot, int fd, Pointer buf, long bytes, long offset) {
        long base = (long) slot * IOCB_BYTES;
        iocbs.setLong(base + IOCB_DATA, slot);
        iocbs.setShort(base + IOCB_OPCODE, IOCB_CMD_PREAD);
        iocbs.setInt(base + IOCB_FILDES, fd);
        iocbs.setPointer(base + IOCB_BUF, buf);
        iocbs.setLong(base + IOCB_NBYTES, bytes);
        iocbs.setLong(base + IOCB_OFFSET, offset);
    }

    /** Submits the prepared control blocks of {@code slots[0..count)} in one call. */
    void submit(int[] slots, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            pointers.setPointer(8L * i, iocbs.share((long) slots[i] * IOCB_BYTES));
        }
        int done = 0;
        while (done < count) {
            int rc = lib().io_submit(ctx, count - done, pointers.share(8L * done));
            if (rc < 0) {
                throw new IOException("io_submit: " + Libc.strerror(-rc));
            }
            done += rc;
        }
    }

    /** Waits for at least one completion; returns how many are in {@link #slot}/{@link #result} 0..n-1. */
    int reap() throws IOException {
        while (true) {
            int rc = lib().io_getevents(ctx, 1, depth, events, null);
            if (rc == -4) {
                continue; // EINTR
            }
            if (rc < 0) {
                throw new IOException("io_getevents: " + Libc.strerror(-rc));
            }
            return rc;
        }
    }

    /** The slot of completion {@code i} of the last {@link #reap}. */
    int slot(int i) {
        return (int) events.getLong((long) i * EVENT_BYTES + EVENT_DATA);
    }

    /** Bytes read by completion {@code i}, or a negative errno. */
    long result(int i) {
        return events.getLong((long) i * EVENT_BYTES + EVENT_RES);
    }

    @Override
    public void close() {
        try {
            lib().io_destroy(ctx);
        } catch (IOException ignored) {
            // the library was loaded by the constructor, so this cannot happen
        }
    }
}
