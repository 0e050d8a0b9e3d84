package io.aiwatch.tool.loadbench;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads into one reusable buffer per reader and drops the bytes: the throughput of the storage
 * path alone, the figure to set beside fio (which also reads into a reused buffer).
 */
public final class DiscardDestination implements Destination {
    private ByteBuffer[] buffers = new ByteBuffer[0];
    private final AtomicLong delivered = new AtomicLong();

    @Override
    public String name() {
        return "discard";
    }

    @Override
    public void begin(long start, long end, int readers, int blockBytes, int alignment) {
        if (buffers.length != readers || buffers[0].capacity() < blockBytes) {
            buffers = new ByteBuffer[readers];
            for (int i = 0; i < readers; i++) {
                buffers[i] = Buffers.aligned(blockBytes, Math.max(alignment, (int) Libc.PAGE));
            }
        }
        delivered.set(0);
    }

    @Override
    public ByteBuffer acquire(int reader, long fileOffset, int length) {
        return buffers[reader].clear().limit(length);
    }

    @Override
    public void release(int reader, ByteBuffer buffer, long fileOffset, int filled) {
        delivered.addAndGet(filled);
    }

    @Override
    public long finish() {
        return delivered.get();
    }
}
