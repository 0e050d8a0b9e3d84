package io.aiwatch.tool.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves data from the host to the GPU through a ring of pinned staging buffers, so that filling one
 * buffer (a disk read, say) overlaps the copy of the previous one over PCIe.
 *
 * <p>A reader thread calls {@link #acquire()} for a free slot, fills {@link Slot#buffer()}, and hands
 * it back with {@link #submit}; the copy is queued asynchronously on the uploader's stream and the
 * slot comes back to {@code acquire} once its copy has finished. With two slots, reading slot B runs
 * while slot A is being copied. Several reader threads may share one uploader (give it more slots
 * than readers). {@link #finish()} waits for every queued copy.
 *
 * <p>{@link #stallNanos()} is the time {@code acquire} waited for a copy to finish: near zero when
 * the producer (the disk) is the bottleneck, most of the run when PCIe is.
 */
public final class Uploader implements AutoCloseable {
    private final CudaContext ctx;
    private final CudaStream stream;
    private final List<Slot> all = new ArrayList<>();
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    private final int slotBytes;
    private long bytesSubmitted;
    private long stallNanos;
    private boolean closed;

    /** One pinned staging buffer and the event that marks its copy done. */
    public final class Slot {
        private final PinnedBuffer pinned;
        private final CudaEvent copied;

        private Slot(PinnedBuffer pinned, CudaEvent copied) {
            this.pinned = pinned;
            this.copied = copied;
        }

        /** The staging memory, cleared (position 0, limit = capacity); fill it from position 0. */
        public ByteBuffer buffer() {
            return pinned.buffer();
        }

        /** Capacity in bytes. */
        public int capacity() {
            return slotBytes;
        }
    }

    Uploader(CudaContext ctx, int slotBytes, int slots) {
        if (slotBytes <= 0) {
            throw new IllegalArgumentException("slotBytes must be > 0, got " + slotBytes);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("need at least 1 slot, got " + slots);
        }
        this.ctx = ctx;
        this.slotBytes = slotBytes;
        this.stream = ctx.createStream();
        try {
            for (int i = 0; i < slots; i++) {
                Slot s = new Slot(ctx.allocatePinned(slotBytes), ctx.createEvent());
                all.add(s);
                free.add(s);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A slot to fill; blocks while every slot's copy is still running. */
    public synchronized Slot acquire() {
        ensureOpen();
        Slot s = free.pollFirst();
        if (s == null) {
            s = inFlight.pollFirst();
            if (s == null) {
                throw new IllegalStateException("every slot is held by a caller: use more slots than readers");
            }
            long t0 = System.nanoTime();
            s.copied.synchronize();
            stallNanos += System.nanoTime() - t0;
        }
        return s;
    }

    /**
     * Queues the copy of the slot's first {@code length} bytes to {@code dst} at {@code dstOffset}
     * and returns at once; the slot belongs to the uploader again.
     */
    public synchronized void submit(Slot slot, DeviceBuffer dst, long dstOffset, int length) {
        ensureOpen();
        if (length < 0 || length > slotBytes) {
            throw new IndexOutOfBoundsException("length " + length + " outside slot of " + slotBytes + " bytes");
        }
        if (length > 0) {
            dst.uploadAsync(dstOffset, slot.pinned, 0, length, stream);
            bytesSubmitted += length;
        }
        slot.copied.record(stream);
        inFlight.addLast(slot);
    }

    /** Gives back a slot that was acquired but not filled. */
    public synchronized void release(Slot slot) {
        free.addLast(slot);
    }

    /**
     * Reads {@code length} bytes from {@code in} into {@code dst} at {@code dstOffset}, one slot at a
     * time, overlapping each read with the previous slot's copy, and waits for the last copy.
     *
     * @return bytes moved (less than {@code length} only if {@code in} ended early)
     */
    public long transfer(ReadableByteChannel in, DeviceBuffer dst, long dstOffset, long length) throws IOException {
        long done = 0;
        while (done < length) {
            Slot s = acquire();
            ByteBuffer b = s.buffer();
            b.limit((int) Math.min(slotBytes, length - done));
            while (b.hasRemaining()) {
                if (in.read(b) < 0) {
                    break;
                }
            }
            int n = b.position();
            if (n == 0) {
                release(s);
                break;
            }
            submit(s, dst, dstOffset + done, n);
            done += n;
        }
        finish();
        return done;
    }

    /** Waits for every queued copy; afterwards all slots are free. */
    public synchronized void finish() {
        ensureOpen();
        stream.synchronize();
        while (!inFlight.isEmpty()) {
            free.addLast(inFlight.pollFirst());
        }
    }

    /** Bytes handed to {@link #submit} so far. */
    public synchronized long bytesSubmitted() {
        return bytesSubmitted;
    }

    /** Nanoseconds {@link #acquire} spent waiting for copies to finish. */
    public synchronized long stallNanos() {
        return stallNanos;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("uploader closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stream.synchronize();
        } finally {
            closed = true;
            for (Slot s : all) {
                s.copied.close();
                s.pinned.close();
            }
            stream.close();
        }
    }

    CudaContext context() {
        return ctx;
    }
}
