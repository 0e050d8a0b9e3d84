package io.aiwatch.tool.cuda;

import static io.aiwatch.tool.cuda.CudaDriver.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * Page-locked host memory from {@code cuMemHostAlloc}: page-aligned (so usable for {@code O_DIRECT}
 * reads), visible to Java as a direct {@link ByteBuffer}, and the source or target of asynchronous
 * copies. At most 2 GiB - 1 per buffer (a ByteBuffer's limit).
 */
public final class PinnedBuffer implements AutoCloseable {
    private final CudaContext ctx;
    private final Pointer ptr;
    private final long bytes;
    private final ByteBuffer view;
    private boolean freed;

    PinnedBuffer(CudaContext ctx, Pointer ptr, long bytes) {
        this.ctx = ctx;
        this.ptr = ptr;
        this.bytes = bytes;
        this.view = ptr.getByteBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Size in bytes. */
    public long size() {
        return bytes;
    }

    /**
     * A fresh view of the whole buffer (position 0, limit = size, little-endian). Views share the
     * memory; each caller gets its own position and limit.
     */
    public ByteBuffer buffer() {
        if (freed) {
            throw new IllegalStateException("pinned buffer already freed");
        }
        return view.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    Pointer pointer(long offset) {
        return offset == 0 ? ptr : ptr.withByteOffset(offset);
    }

    void checkRange(long offset, long length) {
        if (freed) {
            throw new IllegalStateException("pinned buffer already freed");
        }
        if (offset < 0 || length < 0 || offset > bytes || length > bytes - offset) {
            throw new IndexOutOfBoundsException(
                    "range [" + offset + ", +" + length + ") outside pinned buffer of " + bytes + " bytes");
        }
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            ctx.bind();
            check(JCudaDriver.cuMemFreeHost(ptr), "cuMemFreeHost");
        }
    }
}
