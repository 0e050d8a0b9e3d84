package io.aiwatch.tool.cuda;

import static io.aiwatch.tool.cuda.CudaDriver.check;

import java.nio.ByteBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Device memory from {@code cuMemAlloc}. Offsets and lengths are in bytes and checked against the
 * buffer's size before the driver is asked, so a wrong offset is an {@link IndexOutOfBoundsException}
 * here rather than a crashed kernel.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final CudaContext ctx;
    private final CUdeviceptr ptr;
    private final long bytes;
    private boolean freed;

    DeviceBuffer(CudaContext ctx, CUdeviceptr ptr, long bytes) {
        this.ctx = ctx;
        this.ptr = ptr;
        this.bytes = bytes;
    }

    /** Size in bytes. */
    public long size() {
        return bytes;
    }

    /** The context that owns this memory. */
    public CudaContext context() {
        return ctx;
    }

    /** Device pointer {@code offset} bytes in, for kernel arguments. */
    CUdeviceptr at(long offset) {
        checkRange(offset, 0);
        return offset == 0 ? ptr : (CUdeviceptr) ptr.withByteOffset(offset);
    }

    /** Queues a copy of {@code length} bytes from pinned {@code src} to this buffer (host to device). */
    public void uploadAsync(long dstOffset, PinnedBuffer src, long srcOffset, long length, CudaStream stream) {
        checkRange(dstOffset, length);
        src.checkRange(srcOffset, length);
        ctx.bind();
        check(
                JCudaDriver.cuMemcpyHtoDAsync(at(dstOffset), src.pointer(srcOffset), length, stream.handle()),
                "cuMemcpyHtoDAsync");
    }

    /** Queues a copy of {@code length} bytes from this buffer to pinned {@code dst} (device to host). */
    public void downloadAsync(long srcOffset, PinnedBuffer dst, long dstOffset, long length, CudaStream stream) {
        checkRange(srcOffset, length);
        dst.checkRange(dstOffset, length);
        ctx.bind();
        check(
                JCudaDriver.cuMemcpyDtoHAsync(dst.pointer(dstOffset), at(srcOffset), length, stream.handle()),
                "cuMemcpyDtoHAsync");
    }

    /**
     * Copies {@code src}'s remaining bytes (position to limit) to this buffer at {@code dstOffset},
     * synchronously. A direct buffer that is not pinned is copied as pageable memory: the driver
     * stages it through its own pinned buffer, which is what pageable bandwidth measures.
     */
    public void upload(long dstOffset, ByteBuffer src) {
        long length = src.remaining();
        checkRange(dstOffset, length);
        ctx.bind();
        check(JCudaDriver.cuMemcpyHtoD(at(dstOffset), Pointer.to(src), length), "cuMemcpyHtoD");
    }

    /** Copies {@code dst.remaining()} bytes from {@code srcOffset} into {@code dst}, synchronously. */
    public void download(long srcOffset, ByteBuffer dst) {
        long length = dst.remaining();
        checkRange(srcOffset, length);
        ctx.bind();
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), at(srcOffset), length), "cuMemcpyDtoH");
    }

    /** Reads {@code length} bytes at {@code srcOffset} into a new heap array (for checks). */
    public byte[] read(long srcOffset, int length) {
        checkRange(srcOffset, length);
        byte[] out = new byte[length];
        ctx.bind();
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), at(srcOffset), length), "cuMemcpyDtoH");
        return out;
    }

    /** Queues a device-to-device copy from {@code src} (same context) into this buffer. */
    public void copyFromAsync(DeviceBuffer src, long srcOffset, long dstOffset, long length, CudaStream stream) {
        checkRange(dstOffset, length);
        src.checkRange(srcOffset, length);
        ctx.bind();
        check(
                JCudaDriver.cuMemcpyDtoDAsync(at(dstOffset), src.at(srcOffset), length, stream.handle()),
                "cuMemcpyDtoDAsync");
    }

    /**
     * Queues a copy from a buffer of another GPU's context (peer to peer where {@link
     * CudaContext#enablePeerAccess} was called, otherwise staged by the driver through the host).
     */
    public void copyFromPeerAsync(DeviceBuffer src, long srcOffset, long dstOffset, long length, CudaStream stream) {
        checkRange(dstOffset, length);
        src.checkRange(srcOffset, length);
        ctx.bind();
        check(
                JCudaDriver.cuMemcpyPeerAsync(
                        at(dstOffset), ctx.handle(), src.at(srcOffset), src.ctx.handle(), length, stream.handle()),
                "cuMemcpyPeerAsync");
    }

    /**
     * Queues setting every byte to {@code value} (0xFF makes every bf16 and float element NaN: the
     * poison that shows an element a kernel failed to write).
     */
    public void fillBytesAsync(byte value, CudaStream stream) {
        ctx.bind();
        check(JCudaDriver.cuMemsetD8Async(at(0), value, bytes, stream.handle()), "cuMemsetD8Async");
    }

    /** Queues setting every byte to zero. */
    public void zeroAsync(CudaStream stream) {
        ctx.bind();
        if (bytes % 4 == 0) {
            check(JCudaDriver.cuMemsetD32Async(at(0), 0, bytes / 4, stream.handle()), "cuMemsetD32Async");
        } else {
            check(JCudaDriver.cuMemsetD8Async(at(0), (byte) 0, bytes, stream.handle()), "cuMemsetD8Async");
        }
    }

    void checkRange(long offset, long length) {
        if (freed) {
            throw new IllegalStateException("device buffer already freed");
        }
        if (offset < 0 || length < 0 || offset > bytes || length > bytes - offset) {
            throw new IndexOutOfBoundsException(
                    "range [" + offset + ", +" + length + ") outside device buffer of " + bytes + " bytes");
        }
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            ctx.bind();
            check(JCudaDriver.cuMemFree(ptr), "cuMemFree");
        }
    }
}
