package io.aiwatch.tool.loadbench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Aligned direct buffers and offset arithmetic shared by the readers and destinations. */
final class Buffers {
    private Buffers() {}

    /** A direct buffer of {@code bytes} whose address is a multiple of {@code alignment} (a power of two). */
    static ByteBuffer aligned(int bytes, int alignment) {
        ByteBuffer raw = ByteBuffer.allocateDirect(bytes + alignment);
        return raw.alignedSlice(alignment).limit(bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static long alignDown(long v, long alignment) {
        return v - Math.floorMod(v, alignment);
    }

    static long alignUp(long v, long alignment) {
        return alignDown(v + alignment - 1, alignment);
    }
}
