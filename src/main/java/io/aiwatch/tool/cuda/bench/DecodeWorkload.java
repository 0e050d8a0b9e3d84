package io.aiwatch.tool.cuda.bench;

import io.aiwatch.tool.cuda.CudaContext;
import io.aiwatch.tool.cuda.CudaEvent;
import io.aiwatch.tool.cuda.CudaException;
import io.aiwatch.tool.cuda.CudaStream;
import io.aiwatch.tool.cuda.DeviceBuffer;
import io.aiwatch.tool.cuda.HostMath;
import io.aiwatch.tool.cuda.Kernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A model of transformer decode built from the packaged kernels: per step, every layer's weights are
 * read once (QKV, attention over each sequence's KV cache, output projection, gate/up with SiLU,
 * down), then the LM head. Each weight matrix is its own memory, so nothing but the L2 cache is
 * reused between layers, as in a real model. A step is captured once as a CUDA graph and replayed;
 * the context length lives on the device and grows by one per step when {@code growContext}.
 *
 * <p>Before timing, layer 0's QKV product and attention are checked on sampled elements against the
 * host (the inputs are the deterministic fill, recomputed by {@link HostMath}).
 */
public final class DecodeWorkload {
    private final CudaContext ctx;
    private final ModelShape m;
    private final int batch;
    private final int contextStart;
    private final int steps;
    private final int warmupSteps;
    private final boolean growContext;
    private final long seed;
    private double sustainSeconds;

    /**
     * @param contextStart context length (KV positions) at the first step, at least 1
     * @param steps timed steps
     * @param growContext whether the context grows by one per step (false: every step reads contextStart)
     */
    public DecodeWorkload(
            CudaContext ctx,
            ModelShape m,
            int batch,
            int contextStart,
            int steps,
            int warmupSteps,
            boolean growContext,
            long seed) {
        if (batch < 1 || batch > 4096) {
            throw new IllegalArgumentException("batch must be in 1..4096, got " + batch);
        }
        if (contextStart < 1 || steps < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("contextStart and steps must be >= 1, warmupSteps >= 0");
        }
        Kernels.attentionKernel(m.headDim(), m.group()); // throws for an unsupported head shape
        this.ctx = ctx;
        this.m = m;
        this.batch = batch;
        this.contextStart = contextStart;
        this.steps = steps;
        this.warmupSteps = warmupSteps;
        this.growContext = growContext;
        this.seed = seed;
    }

    /**
     * After the timed steps, keep decoding for {@code seconds} (context held, so a long run needs no
     * larger cache) and report throughput per window of about half a second: the thermal and power
     * behaviour of a sustained load.
     */
    public DecodeWorkload sustainFor(double seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("sustain seconds must be >= 0");
        }
        this.sustainSeconds = seconds;
        return this;
    }

    int tMax() {
        return contextStart + (growContext ? steps + warmupSteps + 1 : 0) + 1;
    }

    int chunks() {
        return (tMax() + Kernels.ATTN_CHUNK - 1) / Kernels.ATTN_CHUNK;
    }

    /** Device memory the configuration needs, in bytes. */
    public long memoryBytes() {
        long b = batch;
        long kv = 2L * 2 * b * m.kvHeads() * tMax() * m.headDim() * m.layers();
        long act = 2 * b * m.hidden()
                + 6 * b * m.qkvColumns()
                + 2 * b * m.heads() * m.headDim()
                + 4 * b * m.hidden()
                + 4 * b * 2L * m.ffn()
                + 2 * b * m.ffn()
                + 4 * b * m.vocab()
                + 4L * b * m.kvHeads() * chunks() * m.group() * (m.headDim() + 2);
        return m.weightBytes() + kv + act + 4096;
    }

    /** Whether the big tiled kernel serves this batch (rows a multiple of 128), else the skinny one. */
    boolean tiled() {
        return batch % Kernels.GEMM_BM == 0;
    }

    private int splits(int n, int k) {
        int sms = ctx.info().multiprocessors();
        if (tiled()) {
            int blocks = (n / Kernels.GEMM_BN) * (batch / Kernels.GEMM_BM);
            for (int s = 1; s <= 16; s++) {
                if (k % (s * Kernels.GEMM_BK) == 0 && (blocks * s >= sms || s == 16)) {
                    return s;
                }
            }
            return 1;
        }
        int blocks = (n / Kernels.SKINNY_BN) * ((batch + 63) / 64);
        int steps = k / Kernels.SKINNY_KSTEP;
        int best = 1;
        for (int s = 1; s <= steps; s++) {
            if (steps % s == 0) {
                best = s;
                if (blocks * s >= 4 * sms || steps / s <= 2) {
                    break;
                }
            }
        }
        return best;
    }

    private void gemm(
            Kernels k, DeviceBuffer x, DeviceBuffer w, long wOff, DeviceBuffer c, int n, int kk, CudaStream s) {
        int sp = splits(n, kk);
        if (tiled()) {
            k.gemmF32Add(x, 0, w, wOff, c, 0, batch, n, kk, sp, s);
        } else {
            k.skinny(x, 0, w, wOff, c, 0, batch, n, kk, sp, s);
        }
    }

    /** Runs the configuration; a configuration that does not fit returns status "does-not-fit". */
    public DecodeResult run() {
        long need = memoryBytes();
        long free = ctx.memoryInfo().freeBytes() - ctx.headroomBytes();
        if (need > free) {
            return DecodeResult.notRun(
                    m,
                    batch,
                    contextStart,
                    "does-not-fit",
                    String.format(
                            Locale.ROOT,
                            "needs %.1f GiB (weights %.1f GiB, KV cache %.1f GiB), %.1f GiB free",
                            need / 1073741824.0,
                            m.weightBytes() / 1073741824.0,
                            (double) m.kvBytesPerToken() * tMax() * batch / 1073741824.0,
                            free / 1073741824.0),
                    need);
        }
        List<DeviceBuffer> owned = new ArrayList<>();
        try {
            return runAllocated(owned, need);
        } catch (CudaException e) {
            if (e.isOutOfMemory()) {
                return DecodeResult.notRun(m, batch, contextStart, "does-not-fit", e.getMessage(), need);
            }
            throw e;
        } finally {
            ctx.synchronize();
            for (DeviceBuffer b : owned) {
                b.close();
            }
        }
    }

    private DeviceBuffer alloc(List<DeviceBuffer> owned, long bytes) {
        DeviceBuffer b = ctx.allocate(bytes);
        owned.add(b);
        return b;
    }

    private DecodeResult runAllocated(List<DeviceBuffer> owned, long need) {
        Kernels k = ctx.kernels();
        int d = m.hidden();
        int qkvN = m.qkvColumns();
        int attnW = m.heads() * m.headDim();
        int ffn = m.ffn();
        int tMax = tMax();
        long b = batch;
        // weights of a layer: QKV [qkvN, d], O [d, attnW], gate+up [2 ffn, d], down [d, ffn]
        long offO = 2L * qkvN * d;
        long offGu = offO + 2L * d * attnW;
        long offDown = offGu + 2L * 2 * ffn * d;
        long layerBytes = offDown + 2L * d * ffn;
        long cacheBytes = 2L * b * m.kvHeads() * tMax * m.headDim();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (CudaStream s = ctx.createStream()) {
            DeviceBuffer[] layers = new DeviceBuffer[m.layers()];
            DeviceBuffer[] kCache = new DeviceBuffer[m.layers()];
            DeviceBuffer[] vCache = new DeviceBuffer[m.layers()];
            long[] seeds = new long[m.layers() * 6];
            for (int l = 0; l < m.layers(); l++) {
                layers[l] = alloc(owned, layerBytes);
                kCache[l] = alloc(owned, cacheBytes);
                vCache[l] = alloc(owned, cacheBytes);
                for (int j = 0; j < 6; j++) {
                    seeds[l * 6 + j] = rnd.nextLong();
                }
                k.fillBf16(layers[l], 0, (long) qkvN * d, seeds[l * 6], scale(d), s);
                k.fillBf16(layers[l], offO, (long) d * attnW, seeds[l * 6 + 1], scale(attnW), s);
                k.fillBf16(layers[l], offGu, 2L * ffn * d, seeds[l * 6 + 2], scale(d), s);
                k.fillBf16(layers[l], offDown, (long) d * ffn, seeds[l * 6 + 3], scale(ffn), s);
                k.fillBf16(kCache[l], 0, cacheBytes / 2, seeds[l * 6 + 4], 1f, s);
                k.fillBf16(vCache[l], 0, cacheBytes / 2, seeds[l * 6 + 5], 1f, s);
            }
            DeviceBuffer lm = alloc(owned, 2L * m.vocab() * d);
            k.fillBf16(lm, 0, (long) m.vocab() * d, rnd.nextLong(), scale(d), s);
            DeviceBuffer x = alloc(owned, 2 * b * d);
            long seedX = rnd.nextLong();
            k.fillBf16(x, 0, b * d, seedX, 1f, s);
            DeviceBuffer qkvF = alloc(owned, 4 * b * qkvN);
            DeviceBuffer qkvH = alloc(owned, 2 * b * qkvN);
            DeviceBuffer attn = alloc(owned, 2 * b * attnW);
            DeviceBuffer hidF = alloc(owned, 4 * b * d);
            DeviceBuffer guF = alloc(owned, 4 * b * 2 * ffn);
            DeviceBuffer mid = alloc(owned, 2 * b * ffn);
            DeviceBuffer logits = alloc(owned, 4 * b * m.vocab());
            DeviceBuffer part = alloc(owned, 4 * b * m.kvHeads() * chunks() * m.group() * (m.headDim() + 2));
            DeviceBuffer tLen = alloc(owned, 4);
            setInt(tLen, contextStart);
            s.synchronize();

            String check = checkLayer0(
                    k, s, x, seedX, layers[0], seeds[0], qkvF, qkvH, kCache[0], vCache[0], seeds[4], seeds[5], part,
                    tLen, attn);

            // the split-K accumulators start zeroed; each consumer (convert, SiLU) zeroes what it read
            qkvF.zeroAsync(s);
            hidF.zeroAsync(s);
            guF.zeroAsync(s);
            Runnable step = () -> {
                for (int l = 0; l < m.layers(); l++) {
                    gemm(k, x, layers[l], 0, qkvF, qkvN, d, s);
                    k.f32ToBf16(qkvF, qkvH, b * qkvN, s);
                    k.attentionPartial(
                            m.headDim(),
                            m.group(),
                            qkvH,
                            qkvN,
                            kCache[l],
                            0,
                            vCache[l],
                            0,
                            tLen,
                            tMax,
                            batch,
                            m.kvHeads(),
                            part,
                            s);
                    k.attentionCombine(m.headDim(), m.group(), part, tLen, tMax, batch, m.kvHeads(), attn, s);
                    gemm(k, attn, layers[l], offO, hidF, d, attnW, s);
                    k.f32ToBf16(hidF, x, b * d, s);
                    gemm(k, x, layers[l], offGu, guF, 2 * ffn, d, s);
                    k.siluMul(guF, mid, batch, ffn, s);
                    gemm(k, mid, layers[l], offDown, hidF, d, ffn, s);
                    k.f32ToBf16(hidF, x, b * d, s);
                }
                logits.zeroAsync(s);
                gemm(k, x, lm, 0, logits, m.vocab(), d, s);
                if (growContext) {
                    k.addInt(tLen, 1, s);
                }
            };
            Samples t;
            try (CudaStream.Graph g = s.capture(step)) {
                for (int i = 0; i < warmupSteps; i++) {
                    g.launch();
                }
                s.synchronize();
                int t0 = readInt(tLen);
                t = timeSteps(s, g);
                int t1 = readInt(tLen);
                List<DecodeResult.SustainPoint> sustain = new ArrayList<>();
                if (sustainSeconds > 0) {
                    if (growContext) {
                        k.addInt(tLen, -(t1 - t0) / 2, s); // hold near the middle of the timed range
                    }
                    sustain = sustain(s, g, t.mean(), growContext ? tLen : null, k);
                }
                double mean = t.mean();
                int mid0 = (t0 + t1) / 2;
                double bytes = m.bytesPerStep(batch, mid0);
                double flops = m.flopsPerStep(batch, mid0);
                return new DecodeResult(
                        m.name(),
                        batch,
                        t0,
                        t1,
                        steps,
                        "ok",
                        "",
                        need,
                        batch / mean,
                        t.percentile(50),
                        t.percentile(95),
                        t.percentile(99),
                        mean,
                        bytes,
                        flops,
                        bytes / mean,
                        flops / mean,
                        tiled() ? "tiled" : "skinny",
                        check.startsWith("ok"),
                        check,
                        sustain);
            }
        }
    }

    private List<DecodeResult.SustainPoint> sustain(
            CudaStream s, CudaStream.Graph g, double stepSeconds, DeviceBuffer tLen, Kernels k) {
        int perWindow = (int) Math.max(1, Math.min(100_000, 0.5 / stepSeconds));
        List<DecodeResult.SustainPoint> out = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (sustainSeconds * 1e9);
        while (System.nanoTime() < end) {
            long w0 = System.nanoTime();
            for (int i = 0; i < perWindow; i++) {
                g.launch();
                if (tLen != null) {
                    k.addInt(tLen, -1, s); // the graph grows the context; keep it constant
                }
            }
            s.synchronize();
            long w1 = System.nanoTime();
            double secs = (w1 - w0) / 1e9;
            out.add(new DecodeResult.SustainPoint(
                    (w1 - start) / 1e9, perWindow * (double) batch / secs, secs / perWindow));
        }
        return out;
    }

    private Samples timeSteps(CudaStream s, CudaStream.Graph g) {
        List<CudaEvent> ev = new ArrayList<>();
        try {
            for (int i = 0; i <= steps; i++) {
                ev.add(ctx.createEvent());
            }
            ev.get(0).record(s);
            for (int i = 0; i < steps; i++) {
                g.launch();
                ev.get(i + 1).record(s);
            }
            ev.get(steps).synchronize();
            double[] t = new double[steps];
            for (int i = 0; i < steps; i++) {
                t[i] = CudaEvent.elapsedSeconds(ev.get(i), ev.get(i + 1));
            }
            return new Samples(t);
        } finally {
            for (CudaEvent e : ev) {
                e.close();
            }
        }
    }

    /** Layer 0: QKV product and attention of sampled sequences, against the host. */
    private String checkLayer0(
            Kernels k,
            CudaStream s,
            DeviceBuffer x,
            long seedX,
            DeviceBuffer w,
            long seedW,
            DeviceBuffer qkvF,
            DeviceBuffer qkvH,
            DeviceBuffer kc,
            DeviceBuffer vc,
            long seedK,
            long seedV,
            DeviceBuffer part,
            DeviceBuffer tLen,
            DeviceBuffer attn) {
        int qkvN = m.qkvColumns();
        int d = m.hidden();
        qkvF.zeroAsync(s);
        MicroBench.poison(qkvH, s);
        gemm(k, x, w, 0, qkvF, qkvN, d, s);
        k.f32ToBf16(qkvF, qkvH, (long) batch * qkvN, s);
        MicroBench.poison(attn, s);
        k.attentionPartial(m.headDim(), m.group(), qkvH, qkvN, kc, 0, vc, 0, tLen, tMax(), batch, m.kvHeads(), part, s);
        k.attentionCombine(m.headDim(), m.group(), part, tLen, tMax(), batch, m.kvHeads(), attn, s);
        s.synchronize();
        String g = MicroBench.checkGemmSamples(qkvH, 0, batch, qkvN, d, seedX, 1f, seedW, scale(d), true, 24);
        String a = checkAttention(qkvH, attn, seedK, seedV);
        boolean ok = g.startsWith("ok") && a.startsWith("ok");
        return (ok ? "ok" : "FAILED") + ": QKV " + g + "; attention " + a;
    }

    private String checkAttention(DeviceBuffer qkvH, DeviceBuffer attn, long seedK, long seedV) {
        int hd = m.headDim();
        int tMax = tMax();
        SplittableRandom r = new SplittableRandom(seedK);
        double errSq = 0;
        double refSq = 0;
        int nan = 0;
        int samples = Math.min(3, batch * m.heads());
        for (int i = 0; i < samples; i++) {
            int seq = i == 0 ? batch - 1 : r.nextInt(batch);
            int head = i == 0 ? m.heads() - 1 : r.nextInt(m.heads());
            int kvh = head / m.group();
            byte[] q = qkvH.read(2L * ((long) seq * m.qkvColumns() + (long) head * hd), 2 * hd);
            byte[] out = attn.read(2L * ((long) seq * m.heads() * hd + (long) head * hd), 2 * hd);
            long base = ((long) seq * m.kvHeads() + kvh) * tMax * hd;
            double[] scores = new double[contextStart];
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < contextStart; t++) {
                double dot = 0;
                for (int e = 0; e < hd; e++) {
                    dot += HostMath.bf16At(q, e) * HostMath.fillBf16(seedK, base + (long) t * hd + e, 1f);
                }
                scores[t] = dot / Math.sqrt(hd);
                max = Math.max(max, scores[t]);
            }
            double sum = 0;
            for (int t = 0; t < contextStart; t++) {
                scores[t] = Math.exp(scores[t] - max);
                sum += scores[t];
            }
            for (int e = 0; e < hd; e++) {
                double ref = 0;
                for (int t = 0; t < contextStart; t++) {
                    ref += scores[t] * HostMath.fillBf16(seedV, base + (long) t * hd + e, 1f);
                }
                ref /= sum;
                double v = HostMath.bf16At(out, e);
                if (Double.isNaN(v)) {
                    nan++;
                } else {
                    errSq += (v - ref) * (v - ref);
                    refSq += ref * ref;
                }
            }
        }
        double rel = Math.sqrt(errSq / Math.max(refSq, 1e-300));
        boolean ok = nan == 0 && rel < 2e-2;
        return String.format(
                Locale.ROOT,
                "%s: %d (sequence, head) pairs over %d positions vs float64 host softmax: rel. error %.2e, %d NaN",
                ok ? "ok" : "FAILED",
                samples,
                contextStart,
                rel,
                nan);
    }

    private static float scale(int k) {
        return (float) Math.sqrt(3.0 / k);
    }

    private void setInt(DeviceBuffer p, int v) {
        ByteBuffer bb = ByteBuffer.allocateDirect(4).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, v);
        p.upload(0, bb);
    }

    private static int readInt(DeviceBuffer p) {
        byte[] b = p.read(0, 4);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
