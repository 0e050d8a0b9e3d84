package io.aiwatch.tool.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Host-to-device and device-to-host copy bandwidth from pinned and from pageable host memory: the
 * ceiling a model loader's PCIe leg is compared with.
 *
 * <p>Pinned copies are asynchronous on a stream and timed with device events; pageable copies are
 * synchronous (the driver stages them) and timed with the host clock around the call. Each copy is
 * checked: the data that comes back from the GPU must equal the pattern that went up.
 */
public final class CopyBandwidth {
    /**
     * Untimed copies first: an idle GPU's PCIe link runs at a lower speed until traffic wakes it, which
     * would otherwise show up in the first timed copies.
     */
    static final int WARMUPS = 4;

    private CopyBandwidth() {}

    /**
     * One direction and kind of host memory.
     *
     * @param direction "h2d" or "d2h"
     * @param hostMemory "pinned" or "pageable"
     * @param bytes bytes per copy
     * @param repeats timed copies
     * @param medianSeconds median time of one copy
     * @param bytesPerSecond bytes / median seconds
     * @param checked whether the data round trip matched
     */
    public record Rate(
            String direction,
            String hostMemory,
            long bytes,
            int repeats,
            double medianSeconds,
            double bytesPerSecond,
            boolean checked) {}

    /**
     * Measures the four combinations with copies of {@code bytes} (at most 2 GiB - 1), {@code repeats}
     * timed copies each after one warm-up.
     */
    public static List<Rate> measure(CudaContext ctx, int bytes, int repeats) {
        if (bytes <= 0 || repeats <= 0) {
            throw new IllegalArgumentException("bytes and repeats must be > 0");
        }
        List<Rate> out = new ArrayList<>();
        try (DeviceBuffer dev = ctx.allocate(bytes);
                PinnedBuffer up = ctx.allocatePinned(bytes);
                PinnedBuffer down = ctx.allocatePinned(bytes);
                CudaStream s = ctx.createStream();
                CudaEvent e0 = ctx.createEvent();
                CudaEvent e1 = ctx.createEvent()) {
            fillPattern(up.buffer(), 1);
            double[] t = new double[repeats];
            for (int i = -WARMUPS; i < repeats; i++) {
                e0.record(s);
                dev.uploadAsync(0, up, 0, bytes, s);
                e1.record(s);
                e1.synchronize();
                if (i >= 0) {
                    t[i] = CudaEvent.elapsedSeconds(e0, e1);
                }
            }
            out.add(rate("h2d", "pinned", bytes, t));
            for (int i = -WARMUPS; i < repeats; i++) {
                e0.record(s);
                dev.downloadAsync(0, down, 0, bytes, s);
                e1.record(s);
                e1.synchronize();
                if (i >= 0) {
                    t[i] = CudaEvent.elapsedSeconds(e0, e1);
                }
            }
            boolean pinnedOk = up.buffer().mismatch(down.buffer()) < 0;
            out.set(0, withCheck(out.get(0), pinnedOk));
            out.add(withCheck(rate("d2h", "pinned", bytes, t), pinnedOk));

            ByteBuffer pageUp = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer pageDown = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            fillPattern(pageUp, 2);
            for (int i = -WARMUPS; i < repeats; i++) {
                long t0 = System.nanoTime();
                dev.upload(0, pageUp.duplicate());
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Rate h2dPage = rate("h2d", "pageable", bytes, t);
            for (int i = -WARMUPS; i < repeats; i++) {
                long t0 = System.nanoTime();
                dev.download(0, pageDown.duplicate());
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            boolean pageOk = pageUp.mismatch(pageDown) < 0;
            out.add(withCheck(h2dPage, pageOk));
            out.add(withCheck(rate("d2h", "pageable", bytes, t), pageOk));
        }
        return out;
    }

    private static void fillPattern(ByteBuffer b, long seed) {
        ByteBuffer v = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long i = 0;
        while (v.remaining() >= 8) {
            v.putLong(HostMath.mix64(seed * 0x9E3779B97F4A7C15L + i++));
        }
        while (v.hasRemaining()) {
            v.put((byte) i++);
        }
    }

    private static Rate rate(String dir, String mem, long bytes, double[] t) {
        double med = median(t);
        return new Rate(dir, mem, bytes, t.length, med, bytes / med, false);
    }

    private static Rate withCheck(Rate r, boolean ok) {
        return new Rate(
                r.direction(), r.hostMemory(), r.bytes(), r.repeats(), r.medianSeconds(), r.bytesPerSecond(), ok);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
