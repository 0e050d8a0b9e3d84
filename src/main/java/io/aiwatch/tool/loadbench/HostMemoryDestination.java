package io.aiwatch.tool.loadbench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads the file into host memory: an arena as large as the file, handed out slice by slice so
 * readers read straight into their final place (no second copy), as a loader that keeps weights in
 * RAM would. The arena is allocated (and its pages touched) in {@link #begin}, outside the timed
 * part, and kept for the next load of the same size. {@link #verify} checks afterwards that every
 * byte arrived where it belongs, for synthetic files.
 */
public final class HostMemoryDestination implements Destination {
    private static final long MAX_CHUNK = 1L << 30;

    private final List<ByteBuffer> chunks = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private long chunkBytes;
    private long start;
    private long end;
    private int alignment;

    @Override
    public String name() {
        return "host";
    }

    @Override
    public void begin(long start, long end, int readers, int blockBytes, int alignment) {
        long span = Buffers.alignUp(end - start, Math.max(alignment, blockBytes));
        long chunk = Math.max(blockBytes, MAX_CHUNK / blockBytes * blockBytes);
        long capacity = chunks.size() * chunkBytes;
        if (chunk != chunkBytes || capacity < span || this.alignment < alignment) {
            chunks.clear();
            chunkBytes = chunk;
            for (long off = 0; off < span; off += chunk) {
                chunks.add(Buffers.aligned((int) Math.min(chunk, span - off), Math.max(alignment, (int) Libc.PAGE)));
            }
        }
        this.start = start;
        this.end = end;
        this.alignment = alignment;
        delivered.set(0);
    }

    @Override
    public ByteBuffer acquire(int reader, long fileOffset, int length) {
        long rel = fileOffset - start;
        ByteBuffer chunk = chunks.get((int) (rel / chunkBytes));
        int at = (int) (rel % chunkBytes);
        return chunk.slice(at, length);
    }

    @Override
    public void release(int reader, ByteBuffer buffer, long fileOffset, int filled) {
        delivered.addAndGet(filled);
    }

    @Override
    public long finish() {
        return delivered.get();
    }

    /** The byte of the file at {@code fileOffset} as loaded. */
    public byte byteAt(long fileOffset) {
        long rel = fileOffset - start;
        return chunks.get((int) (rel / chunkBytes)).get((int) (rel % chunkBytes));
    }

    /**
     * Checks every aligned 8-byte word of {@code [from, end)} against the synthetic content of
     * {@code seed}; returns the file offset of the first wrong word, or -1 when all are right.
     */
    public long verify(long seed, long from) {
        long first = Buffers.alignUp(Math.max(from, start), 8);
        for (long off = first; off + 8 <= end; off += 8) {
            long rel = off - start;
            ByteBuffer chunk = chunks.get((int) (rel / chunkBytes));
            if (chunk.getLong((int) (rel % chunkBytes)) != SyntheticModel.word(seed, off)) {
                return off;
            }
        }
        return -1;
    }
}
