package io.aiwatch.tool.cuda;

import static io.aiwatch.tool.cuda.CudaDriver.check;

import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * One GPU's primary context: the entry point of the package.
 *
 * <pre>{@code
 * try (CudaContext ctx = CudaContext.open(0);
 *      DeviceBuffer dst = ctx.allocate(bytes);
 *      Uploader up = ctx.uploader(8 << 20, 2)) { ... }
 * }</pre>
 *
 * <p>The primary context is shared with every other user of the device in this process (PyTorch's
 * convention too), and every method makes it current on the calling thread first, so buffers and
 * streams may be used from any thread. Closing releases the context; buffers, streams and events
 * must be closed before it.
 *
 * <p>Allocations never go past what the device has free: {@link #allocate} refuses (with a {@link
 * CudaException} naming sizes) anything that would leave less than {@link #headroomBytes()} free.
 * Nothing here changes the card's settings (clocks, power limit, compute mode).
 */
public final class CudaContext implements AutoCloseable {
    /** Free memory that {@link #allocate} leaves to the driver and other processes, by default. */
    public static final long DEFAULT_HEADROOM_BYTES = 512L << 20;

    private final CUdevice device;
    private final CUcontext context;
    private final GpuInfo info;
    private final long headroomBytes;
    private volatile Kernels kernels;
    private volatile boolean closed;

    private CudaContext(CUdevice device, CUcontext context, GpuInfo info, long headroomBytes) {
        this.device = device;
        this.context = context;
        this.info = info;
        this.headroomBytes = headroomBytes;
    }

    /**
     * Opens device {@code ordinal}'s primary context.
     *
     * @throws CudaException with a readable message when there is no driver, no such GPU, or the
     *     driver refuses
     */
    public static CudaContext open(int ordinal) {
        return open(ordinal, DEFAULT_HEADROOM_BYTES);
    }

    /** As {@link #open(int)}, leaving {@code headroomBytes} free on every allocation. */
    public static CudaContext open(int ordinal, long headroomBytes) {
        if (headroomBytes < 0) {
            throw new IllegalArgumentException("headroomBytes must be >= 0, got " + headroomBytes);
        }
        CudaDriver.ensureInitialised();
        CUdevice device = CudaDriver.device(ordinal);
        CUcontext ctx = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, device), "cuDevicePrimaryCtxRetain");
        check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        return new CudaContext(device, ctx, readInfo(ordinal, device), headroomBytes);
    }

    private static GpuInfo readInfo(int ordinal, CUdevice d) {
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, d), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] total = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(total, d), "cuDeviceTotalMem");
        return new GpuInfo(
                ordinal,
                new String(name, 0, len, StandardCharsets.US_ASCII),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                total[0],
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN),
                CudaDriver.driverVersion());
    }

    private static int attribute(CUdevice d, int attr) {
        int[] v = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(v, attr, d), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    /** The device's properties. */
    public GpuInfo info() {
        return info;
    }

    /** Bytes each allocation leaves free. */
    public long headroomBytes() {
        return headroomBytes;
    }

    /** Makes this context current on the calling thread (every method here does it itself). */
    public void bind() {
        if (closed) {
            throw new IllegalStateException("CUDA context of GPU " + info.ordinal() + " is closed");
        }
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Free and total device memory now. */
    public MemoryInfo memoryInfo() {
        bind();
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new MemoryInfo(free[0], total[0]);
    }

    /**
     * Allocates {@code bytes} of device memory (plain {@code cuMemAlloc}, never managed memory).
     *
     * @throws CudaException (out of memory) when the allocation would leave less than the headroom
     *     free; the driver is not asked then
     */
    public DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation size must be > 0 bytes, got " + bytes);
        }
        MemoryInfo mem = memoryInfo();
        if (bytes > mem.freeBytes() - headroomBytes) {
            throw new CudaException(
                    CudaDriver.CUDA_ERROR_OUT_OF_MEMORY,
                    String.format(
                            "Not enough GPU memory on GPU %d: asked for %.2f GiB, %.2f GiB free of %.2f GiB"
                                    + " (keeping %.2f GiB headroom).",
                            info.ordinal(),
                            gib(bytes),
                            gib(mem.freeBytes()),
                            gib(mem.totalBytes()),
                            gib(headroomBytes)));
        }
        CUdeviceptr p = new CUdeviceptr();
        int rc = JCudaDriver.cuMemAlloc(p, bytes);
        if (rc != CudaDriver.CUDA_SUCCESS) {
            CudaException e = CudaDriver.error(rc, String.format("cuMemAlloc(%.2f GiB)", gib(bytes)));
            throw e;
        }
        return new DeviceBuffer(this, p, bytes);
    }

    /**
     * Allocates page-locked host memory (portable across contexts), the only kind from which the
     * copy engines run asynchronously at full PCIe speed. Page-locked memory is taken from the host's
     * RAM for good until closed: keep it to a few staging buffers.
     */
    public PinnedBuffer allocatePinned(long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "pinned buffer size must be in 1.." + Integer.MAX_VALUE + ", got " + bytes);
        }
        bind();
        Pointer p = new Pointer();
        // CU_MEMHOSTALLOC_PORTABLE = 1: usable from every context
        check(JCudaDriver.cuMemHostAlloc(p, bytes, 1), String.format("cuMemHostAlloc(%.1f MiB)", bytes / 1048576.0));
        return new PinnedBuffer(this, p, bytes);
    }

    /** A new non-blocking stream (does not synchronise with the legacy default stream). */
    public CudaStream createStream() {
        bind();
        return new CudaStream(this);
    }

    /** A new timing event. */
    public CudaEvent createEvent() {
        bind();
        return new CudaEvent(this);
    }

    /**
     * A double-buffered uploader with {@code slots} pinned staging buffers of {@code slotBytes}
     * each (at least 2 for reads and copies to overlap).
     */
    public Uploader uploader(int slotBytes, int slots) {
        return new Uploader(this, slotBytes, slots);
    }

    /** The packaged kernels, loaded (and JIT-compiled by the driver) on first use. */
    public Kernels kernels() {
        Kernels k = kernels;
        if (k == null) {
            synchronized (this) {
                if (kernels == null) {
                    bind();
                    kernels = Kernels.load(this);
                }
                k = kernels;
            }
        }
        return k;
    }

    /** Whether this GPU can read and write {@code other}'s memory directly (NVLink or PCIe P2P). */
    public boolean canAccessPeer(CudaContext other) {
        int[] can = new int[1];
        check(JCudaDriver.cuDeviceCanAccessPeer(can, device, other.device), "cuDeviceCanAccessPeer");
        return can[0] != 0;
    }

    /**
     * Lets kernels and copies of this context reach {@code other}'s memory. Already enabled counts as
     * success (CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED, 704).
     */
    public void enablePeerAccess(CudaContext other) {
        bind();
        int rc = JCudaDriver.cuCtxEnablePeerAccess(other.context, 0);
        if (rc != CudaDriver.CUDA_SUCCESS && rc != 704) {
            throw CudaDriver.error(rc, "cuCtxEnablePeerAccess(GPU " + other.info.ordinal() + ")");
        }
    }

    /** Waits until all work of this context has finished. */
    public void synchronize() {
        bind();
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    CUcontext handle() {
        return context;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (kernels != null) {
                bind();
                kernels.unload();
                kernels = null;
            }
        }
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }

    static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }
}
