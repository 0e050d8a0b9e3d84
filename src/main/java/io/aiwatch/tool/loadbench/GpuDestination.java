package io.aiwatch.tool.loadbench;

import io.aiwatch.tool.cuda.CopyBandwidth;
import io.aiwatch.tool.cuda.CudaContext;
import io.aiwatch.tool.cuda.DeviceBuffer;
import io.aiwatch.tool.cuda.Uploader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads the file into GPU memory: readers fill pinned staging buffers (page-aligned, so O_DIRECT
 * reads land in them directly) and each filled buffer is copied to the device asynchronously
 * while the reader fills the next one, so disk reads and PCIe transfers overlap (tool.cuda's
 * {@link Uploader}, two slots per reader). The device buffer holds the file's extent at its file
 * offsets, so every tensor sits at {@code data_offsets} from the data start.
 *
 * <p>When made, it measures the pinned host-to-device copy rate of this GPU (tool.cuda's
 * {@link CopyBandwidth}, 256 MiB copies), the ceiling the end-to-end rate is compared with beside
 * fio's read rate: {@code h2d_pinned_bytes_per_s} in {@link #figures()}, with the time readers
 * waited for a free staging buffer ({@code upload_stall_s}: high when PCIe, not the disk, limits).
 */
public final class GpuDestination implements Destination {
    private static final int COPY_PROBE_BYTES = 256 << 20;

    private final CudaContext ctx;
    private final double h2dPinned;
    private DeviceBuffer device;
    private Uploader uploader;
    private Uploader.Slot[] held = new Uploader.Slot[0];
    private int slotBytes;
    private long start;
    private long stallAtBegin;
    private long submittedAtBegin;

    /** Opens GPU {@code ordinal} and measures its pinned host-to-device rate. */
    public GpuDestination(int ordinal) {
        this.ctx = CudaContext.open(ordinal);
        double rate = 0;
        for (CopyBandwidth.Rate r : CopyBandwidth.measure(ctx, COPY_PROBE_BYTES, 10)) {
            if (r.direction().equals("h2d") && r.hostMemory().equals("pinned")) {
                rate = r.bytesPerSecond();
            }
        }
        this.h2dPinned = rate;
    }

    @Override
    public String name() {
        return "gpu";
    }

    @Override
    public void begin(long start, long end, int readers, int blockBytes, int alignment) {
        long span = end - start;
        if (device == null || device.size() < span) {
            if (device != null) {
                device.close();
            }
            device = ctx.allocate(span);
        }
        if (uploader == null || held.length != readers || slotBytes != blockBytes) {
            if (uploader != null) {
                uploader.close();
            }
            uploader = ctx.uploader(blockBytes, 2 * readers);
            held = new Uploader.Slot[readers];
            slotBytes = blockBytes;
        }
        this.start = start;
        stallAtBegin = uploader.stallNanos();
        submittedAtBegin = uploader.bytesSubmitted();
    }

    @Override
    public ByteBuffer acquire(int reader, long fileOffset, int length) {
        Uploader.Slot s = uploader.acquire();
        held[reader] = s;
        ByteBuffer b = s.buffer();
        b.limit(length);
        return b;
    }

    @Override
    public void release(int reader, ByteBuffer buffer, long fileOffset, int filled) {
        Uploader.Slot s = held[reader];
        held[reader] = null;
        uploader.submit(s, device, fileOffset - start, filled);
    }

    @Override
    public long finish() {
        uploader.finish();
        return uploader.bytesSubmitted() - submittedAtBegin;
    }

    /**
     * Checks words of the synthetic content on the device: the first and last of every
     * {@code stride}-th MiB of {@code [from, end)} (a download of the whole file would take as long
     * as the load). Returns the file offset of the first wrong word, or -1.
     */
    public long verify(long seed, long from, long end, int strideMiB) {
        long first = (Math.max(from, start) + 7) / 8 * 8;
        for (long off = first; off + 8 <= end; off += (long) strideMiB << 20) {
            for (long at : new long[] {off, Math.min(end - 8, off + (1 << 20) - 8) / 8 * 8}) {
                long word = ByteBuffer.wrap(device.read(at - start, 8))
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong();
                if (word != SyntheticModel.word(seed, at)) {
                    return at;
                }
            }
        }
        return -1;
    }

    @Override
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("h2d_pinned_bytes_per_s", h2dPinned);
        m.put("upload_stall_s", uploader == null ? 0 : (uploader.stallNanos() - stallAtBegin) / 1e9);
        return m;
    }

    /** The GPU's name and memory, for the report's environment. */
    public String describe() {
        return ctx.info().toString();
    }

    @Override
    public void close() {
        try {
            if (uploader != null) {
                uploader.close();
            }
            if (device != null) {
                device.close();
            }
        } finally {
            ctx.close();
        }
    }
}
