package io.aiwatch.tool.loadbench;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Linux native asynchronous I/O ({@code io_submit}) through {@code libaio.so.1}, the engine fio
 * calls {@code libaio}: the way to keep 32 reads in flight from one thread. Only {@code O_DIRECT}
 * reads are asynchronous (buffered ones complete inside {@code io_submit}). The control blocks are
 * written at fixed offsets of {@code struct iocb} and {@code struct io_event} from
 * {@code <linux/aio_abi.h>} (little-endian, 64-bit); {@code AioLayoutTest} checks them against the
 * C compiler.
 *
 * <p>Per read this costs two native calls at queue depth 1, so the per-read overhead is kept to
 * what fio's own is: the calls are JNA direct mappings with addresses as {@code long}, and control
 * blocks and completions are read and written through direct byte buffers (no JNI call per field).
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

    /**
     * libaio's four calls, bound by JNA direct mapping (static natives registered once; a call
     * through an interface proxy costs microseconds, as much as a 4 KiB read from memory). Pointers
     * are passed as addresses. All return a negative errno on failure (libaio does not set errno).
     */
    static final class Aio {
        static native int io_setup(int maxevents, long ctxp);

        static native int io_destroy(long ctx);

        static native int io_submit(long ctx, long nr, long iocbpp);

        static native int io_getevents(long ctx, long minNr, long nr, long events, long timeout);

        private Aio() {}
    }

    private static boolean loaded;

    private final Memory memory;
    private final long ctx;
    private final long iocbBase;
    private final long pointerBase;
    private final long eventBase;
    private final ByteBuffer iocbs;
    private final ByteBuffer pointers;
    private final ByteBuffer events;
    private final int depth;
    private boolean closed;

    /** A context for {@code depth} reads in flight. */
    LinuxAio(int depth) throws IOException {
        load();
        this.depth = depth;
        long iocbBytes = (long) IOCB_BYTES * depth;
        long pointerBytes = 8L * depth;
        long eventBytes = (long) EVENT_BYTES * depth;
        memory = new Memory(8 + iocbBytes + pointerBytes + eventBytes);
        memory.clear();
        long base = Pointer.nativeValue(memory);
        int rc = Aio.io_setup(depth, base);
        if (rc < 0) {
            throw new IOException("io_setup(" + depth + "): " + Libc.strerror(-rc)
                    + (-rc == 11 ? " (EAGAIN: raise /proc/sys/fs/aio-max-nr)" : ""));
        }
        ctx = memory.getLong(0);
        iocbBase = base + 8;
        pointerBase = iocbBase + iocbBytes;
        eventBase = pointerBase + pointerBytes;
        iocbs = memory.getByteBuffer(8, iocbBytes).order(ByteOrder.nativeOrder());
        pointers = memory.getByteBuffer(8 + iocbBytes, pointerBytes).order(ByteOrder.nativeOrder());
        events = memory.getByteBuffer(8 + iocbBytes + pointerBytes, eventBytes).order(ByteOrder.nativeOrder());
    }

    /** Registers libaio once; a clear message when it is not installed (Debian package libaio1). */
    static synchronized void load() throws IOException {
        if (!loaded) {
            try {
                Native.register(Aio.class, NativeLibrary.getInstance("libaio.so.1"));
            } catch (UnsatisfiedLinkError e) {
                throw new IOException("libaio.so.1 not found (install Debian package libaio1): " + e.getMessage(), e);
            }
            loaded = true;
        }
    }

    /** Fills control block {@code slot} with a read of {@code bytes} at {@code offset} of {@code fd} into address {@code buf}. */
    void prepareRead(int slot, int fd, long buf, long bytes, long offset) {
        int base = slot * IOCB_BYTES;
        iocbs.putLong(base + IOCB_DATA, slot);
        iocbs.putShort(base + IOCB_OPCODE, IOCB_CMD_PREAD);
        iocbs.putInt(base + IOCB_FILDES, fd);
        iocbs.putLong(base + IOCB_BUF, buf);
        iocbs.putLong(base + IOCB_NBYTES, bytes);
        iocbs.putLong(base + IOCB_OFFSET, offset);
    }

    /** Submits the prepared control blocks of {@code slots[0..count)} in one call. */
    void submit(int[] slots, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            pointers.putLong(8 * i, iocbBase + (long) slots[i] * IOCB_BYTES);
        }
        int done = 0;
        while (done < count) {
            int rc = Aio.io_submit(ctx, count - done, pointerBase + 8L * done);
            if (rc < 0) {
                throw new IOException("io_submit: " + Libc.strerror(-rc));
            }
            done += rc;
        }
    }

    /** Waits for at least one completion; returns how many are in {@link #slot}/{@link #result} 0..n-1. */
    int reap() throws IOException {
        while (true) {
            int rc = Aio.io_getevents(ctx, 1, depth, eventBase, 0);
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
        return (int) events.getLong(i * EVENT_BYTES + EVENT_DATA);
    }

    /** Bytes read by completion {@code i}, or a negative errno. */
    long result(int i) {
        return events.getLong(i * EVENT_BYTES + EVENT_RES);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Aio.io_destroy(ctx);
        }
    }
}
