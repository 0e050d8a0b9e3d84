package io.aiwatch.tool.cuda.bench;

import io.aiwatch.tool.cuda.CopyBandwidth;
import io.aiwatch.tool.cuda.CudaContext;
import io.aiwatch.tool.cuda.CudaEvent;
import io.aiwatch.tool.cuda.CudaStream;
import io.aiwatch.tool.cuda.DeviceBuffer;
import io.aiwatch.tool.cuda.HostMath;
import io.aiwatch.tool.cuda.Kernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The hardware ceilings, each with its result checked on the host: device-to-device copy (bytes read
 * plus written), FP32 FMA throughput, bf16 tensor-core matrix product, and host/device copies from
 * pinned and pageable memory. Inputs are drawn fresh per run (random seeds, recorded in params).
 */
public final class MicroBench {
    private final CudaContext ctx;
    private final SplittableRandom random;

    public MicroBench(CudaContext ctx, long seed) {
        this.ctx = ctx;
        this.random = new SplittableRandom(seed);
    }

    /** Times {@code repeats} launches of {@code work} after {@code warmups}, each between two events. */
    static Samples time(CudaContext ctx, CudaStream s, int warmups, int repeats, Runnable work) {
        double[] t = new double[repeats];
        try (CudaEvent e0 = ctx.createEvent();
                CudaEvent e1 = ctx.createEvent()) {
            for (int i = -warmups; i < repeats; i++) {
                e0.record(s);
                work.run();
                e1.record(s);
                e1.synchronize();
                if (i >= 0) {
                    t[i] = CudaEvent.elapsedSeconds(e0, e1);
                }
            }
        }
        return new Samples(t);
    }

    /** Copies {@code bytes} device to device with the 16-byte copy kernel; bandwidth counts read + write. */
    public Measurement copy(long bytes, int repeats) {
        long seed = random.nextLong();
        long n = bytes / 2;
        try (CudaStream s = ctx.createStream();
                DeviceBuffer src = ctx.allocate(bytes);
                DeviceBuffer dst = ctx.allocate(bytes)) {
            Kernels k = ctx.kernels();
            k.fillBf16(src, 0, n, seed, 1f, s);
            dst.zeroAsync(s);
            Samples t = time(ctx, s, 2, repeats, () -> k.copy(src, dst, bytes, s));
            s.synchronize();
            int windows = 64;
            int win = 2048;
            long mismatches = 0;
            for (int w = 0; w < windows; w++) {
                long first = (w == windows - 1) ? n - win : (n - win) / windows * w;
                byte[] got = dst.read(first * 2, win * 2);
                for (int i = 0; i < win; i++) {
                    float want = HostMath.fillBf16(seed, first + i, 1f);
                    if (Float.floatToRawIntBits(HostMath.bf16At(got, i)) != Float.floatToRawIntBits(want)) {
                        mismatches++;
                    }
                }
            }
            return new Measurement(
                    "d2d_copy",
                    2.0 * bytes / t.median(),
                    "B/s",
                    t.median(),
                    t.count(),
                    params("bytes", bytes, "seed", seed),
                    mismatches == 0,
                    String.format(
                            Locale.ROOT,
                            "%d of %d sampled elements (%d windows incl. the last) differ from the host fill",
                            mismatches,
                            (long) windows * win,
                            windows));
        }
    }

    /** FP32 FMA throughput: 8 dependent-chain FMAs per thread, 2 FLOPs each. */
    public Measurement fma(int iters, int repeats) {
        int blocks = ctx.info().multiprocessors() * 8;
        int threads = blocks * 256;
        float a = 0.999f;
        float b = 0.001f + (float) random.nextInt(1000) * 1e-6f;
        try (CudaStream s = ctx.createStream();
                DeviceBuffer out = ctx.allocate(4L * threads)) {
            Kernels k = ctx.kernels();
            Samples t = time(ctx, s, 2, repeats, () -> k.fmaChains(out, blocks, iters, a, b, s));
            int sample = 16;
            int bad = 0;
            byte[] got = out.read(0, 4 * threads);
            for (int i = 0; i < sample; i++) {
                int tid = (i == sample - 1) ? threads - 1 : random.nextInt(threads);
                float want = HostMath.fmaThread(tid, iters, a, b);
                if (Float.floatToRawIntBits(HostMath.f32At(got, tid)) != Float.floatToRawIntBits(want)) {
                    bad++;
                }
            }
            double flops = 2.0 * HostMath.FMA_CHAINS * iters * (double) threads;
            return new Measurement(
                    "fp32_fma",
                    flops / t.median(),
                    "FLOP/s",
                    t.median(),
                    t.count(),
                    params("threads", threads, "iters", iters, "a", a, "b", b),
                    bad == 0,
                    bad + " of " + sample + " sampled threads differ bit-wise from Math.fma on the host");
        }
    }

    /**
     * bf16 tensor-core product C = A * B^T of n x n matrices (bf16 out, f32 accumulate): "bf16_matmul"
     * with the best kernel the GPU has (wgmma on Hopper), plus "bf16_matmul_mma_sync" there.
     */
    public List<Measurement> matmul(int n, int repeats) {
        long seedA = random.nextLong();
        long seedB = random.nextLong();
        long elems = (long) n * n;
        List<Measurement> out = new ArrayList<>();
        try (CudaStream s = ctx.createStream();
                DeviceBuffer a = ctx.allocate(2 * elems);
                DeviceBuffer b = ctx.allocate(2 * elems);
                DeviceBuffer c = ctx.allocate(2 * elems)) {
            Kernels k = ctx.kernels();
            k.fillBf16(a, 0, elems, seedA, 1f, s);
            k.fillBf16(b, 0, elems, seedB, 1f, s);
            if (k.hasWgmma()) {
                out.add(matmulWith(
                        "bf16_matmul",
                        "gemm_tn_bf16_wgmma (wgmma m64n256k16)",
                        n,
                        repeats,
                        seedA,
                        seedB,
                        c,
                        s,
                        () -> k.gemmBf16Wgmma(a, b, c, n, n, n, s)));
            }
            out.add(matmulWith(
                    k.hasWgmma() ? "bf16_matmul_mma_sync" : "bf16_matmul",
                    "gemm_tn_bf16 (mma.sync m16n8k16)",
                    n,
                    repeats,
                    seedA,
                    seedB,
                    c,
                    s,
                    () -> k.gemmBf16(a, b, c, n, n, n, s)));
        }
        return out;
    }

    private Measurement matmulWith(
            String name,
            String kernel,
            int n,
            int repeats,
            long seedA,
            long seedB,
            DeviceBuffer c,
            CudaStream s,
            Runnable launch) {
        Samples t = time(ctx, s, 2, repeats, launch);
        // poison, run once more, then check sampled elements (an unwritten element stays NaN)
        poison(c, s);
        launch.run();
        s.synchronize();
        String check = checkGemmSamples(c, 0, n, n, n, seedA, 1f, seedB, 1f, true, 48);
        return new Measurement(
                name,
                2.0 * n * (double) n * n / t.median(),
                "FLOP/s",
                t.median(),
                t.count(),
                params("m", n, "n", n, "k", n, "seedA", seedA, "seedB", seedB, "kernel", kernel),
                check.startsWith("ok"),
                check);
    }

    /** Host/device copies of {@code bytes} from pinned and pageable memory (4 measurements). */
    public List<Measurement> hostCopies(int bytes, int repeats) {
        List<Measurement> out = new ArrayList<>();
        for (CopyBandwidth.Rate r : CopyBandwidth.measure(ctx, bytes, repeats)) {
            out.add(new Measurement(
                    r.direction() + "_" + r.hostMemory(),
                    r.bytesPerSecond(),
                    "B/s",
                    r.medianSeconds(),
                    r.repeats(),
                    params("bytes", r.bytes()),
                    r.checked(),
                    r.checked() ? "ok: data round trip host -> GPU -> host identical" : "round trip differs"));
        }
        return out;
    }

    static void poison(DeviceBuffer c, CudaStream s) {
        c.fillBytesAsync((byte) 0xFF, s);
    }

    /**
     * Compares {@code samples} elements of C [rows, cols] (bf16 or float, at byte offset {@code cOff})
     * with {@link HostMath#gemmElement} for A [rows, k] and B [cols, k] filled by (seed, scale).
     * Passes when no sampled element is NaN and ||out - ref|| / ||ref|| < 1e-2 over the sample (bf16
     * operands and a bf16 output round to about 4e-3). Returns "ok: ..." or "FAILED: ...".
     */
    static String checkGemmSamples(
            DeviceBuffer c,
            long cOff,
            int rows,
            int cols,
            int k,
            long seedA,
            float scaleA,
            long seedB,
            float scaleB,
            boolean bf16,
            int samples) {
        SplittableRandom r = new SplittableRandom(seedA ^ (seedB * 31));
        double errSq = 0;
        double refSq = 0;
        int nan = 0;
        int elem = bf16 ? 2 : 4;
        for (int i = 0; i < samples; i++) {
            int row = i == 0 ? 0 : i == 1 ? rows - 1 : r.nextInt(rows);
            int col = i == 0 ? 0 : i == 1 ? cols - 1 : r.nextInt(cols);
            byte[] got = c.read(cOff + ((long) row * cols + col) * elem, elem);
            double v = bf16 ? HostMath.bf16At(got, 0) : HostMath.f32At(got, 0);
            double ref = HostMath.gemmElement(seedA, scaleA, seedB, scaleB, k, row, col);
            if (Double.isNaN(v)) {
                nan++;
                continue;
            }
            errSq += (v - ref) * (v - ref);
            refSq += ref * ref;
        }
        double rel = Math.sqrt(errSq / Math.max(refSq, 1e-300));
        boolean ok = nan == 0 && rel < 1e-2;
        return String.format(
                Locale.ROOT,
                "%s: %d sampled elements of %dx%d (k=%d) vs float64 host product: rel. error %.2e, %d unwritten (NaN)",
                ok ? "ok" : "FAILED",
                samples,
                rows,
                cols,
                k,
                rel,
                nan);
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
