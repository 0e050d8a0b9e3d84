package io.aiwatch.tool.cuda;

import static io.aiwatch.tool.cuda.CudaDriver.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The packaged kernels ({@code src/main/cuda/aiwatch_kernels.cu}), loaded from the jar's PTX for the
 * device's compute capability (sm_90 PTX on Hopper and newer, sm_80 PTX on Ampere and Ada) and
 * JIT-compiled by the driver. Each launch method validates its shapes first, so a shape the kernel
 * cannot handle is an {@link IllegalArgumentException} rather than a wrong result.
 */
public final class Kernels {
    /** Tile of {@code gemm_tn_*}: rows of A per block. */
    public static final int GEMM_BM = 128;
    /** Tile of {@code gemm_tn_*}: rows of B (columns of C) per block. */
    public static final int GEMM_BN = 256;
    /** Tile of {@code gemm_tn_*}: k per pipeline stage. */
    public static final int GEMM_BK = 32;
    /** Dynamic shared memory of {@code gemm_tn_*}: 4 stages of (128 + 256) x 32 bf16. */
    public static final int GEMM_SMEM_BYTES = 4 * (GEMM_BM + GEMM_BN) * GEMM_BK * 2;
    /** Tile of {@code gemm_tn_bf16_wgmma} (Hopper): k per pipeline stage. */
    public static final int WGMMA_BK = 64;
    /** Dynamic shared memory of {@code gemm_tn_bf16_wgmma}: 4 stages of (128 + 256) x 64 bf16, plus alignment. */
    public static final int WGMMA_SMEM_BYTES = 4 * (GEMM_BM + GEMM_BN) * WGMMA_BK * 2 + 1024;
    /** Columns per block of the skinny kernels (4 warps x 32). */
    public static final int SKINNY_BN = 128;
    /** k per loop step of the skinny kernels. */
    public static final int SKINNY_KSTEP = 128;
    /** Most activation rows one skinny block handles (blockIdx.y covers more). */
    public static final int SKINNY_MAX_M = 64;
    /** Context positions per attention block (ACH in the CUDA source). */
    public static final int ATTN_CHUNK = 64;

    private final CudaContext ctx;
    private final CUmodule module;
    private final String ptxName;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final int gridStrideBlocks;
    private final boolean wgmma;

    private Kernels(CudaContext ctx, CUmodule module, String ptxName) {
        this.ctx = ctx;
        this.module = module;
        this.ptxName = ptxName;
        this.gridStrideBlocks = ctx.info().multiprocessors() * 8;
        this.wgmma = ptxName.contains("sm_90a");
    }

    /** Blocks of 256 threads for a grid-stride loop over {@code n} elements: enough to fill the GPU, no more than needed. */
    private int blocksFor(long n) {
        return (int) Math.max(1, Math.min(gridStrideBlocks, (n + 255) / 256));
    }

    /**
     * Resource name of the PTX for a compute capability: sm_90a (with the wgmma product) on exactly
     * 9.0 (H100, H200), sm_90 on newer chips, sm_80 on Ampere and Ada; an exception below 8.0 (no
     * bf16 mma).
     */
    public static String ptxResourceFor(int major, int minor) {
        if (major == 9 && minor == 0) {
            return "aiwatch_kernels.sm_90a.ptx";
        }
        if (major >= 9) {
            return "aiwatch_kernels.sm_90.ptx";
        }
        if (major == 8) {
            return "aiwatch_kernels.sm_80.ptx";
        }
        throw new CudaException(
                CudaException.NOT_A_DRIVER_CODE,
                "GPU of compute capability " + major + "." + minor
                        + " is not supported: the kernels need bf16 tensor cores (8.0 or newer).");
    }

    static Kernels load(CudaContext ctx) {
        GpuInfo info = ctx.info();
        String name = ptxResourceFor(info.computeMajor(), info.computeMinor());
        byte[] ptx;
        try (InputStream in = Kernels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("packaged PTX " + name + " missing from the jar");
            }
            byte[] raw = in.readAllBytes();
            ptx = new byte[raw.length + 1]; // NUL-terminated for the driver
            System.arraycopy(raw, 0, ptx, 0, raw.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CUmodule module = new CUmodule();
        check(JCudaDriver.cuModuleLoadData(module, ptx), "cuModuleLoadData(" + name + ")");
        Kernels k = new Kernels(ctx, module, name);
        for (String f : new String[] {"gemm_tn_bf16", "gemm_tn_f32add"}) {
            k.allowSharedMemory(f, GEMM_SMEM_BYTES);
        }
        if (k.wgmma) {
            k.allowSharedMemory("gemm_tn_bf16_wgmma", WGMMA_SMEM_BYTES);
        }
        return k;
    }

    private void allowSharedMemory(String f, int bytes) {
        check(
                JCudaDriver.cuFuncSetAttribute(
                        function(f), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                "cuFuncSetAttribute(" + f + ", dynamic shared memory " + bytes + ")");
    }

    /** Whether the Hopper wgmma product ({@link #gemmBf16Wgmma}) is available (compute capability 9.0). */
    public boolean hasWgmma() {
        return wgmma;
    }

    /** The PTX resource that was loaded. */
    public String ptxName() {
        return ptxName;
    }

    synchronized CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
            functions.put(name, f);
        }
        return f;
    }

    void unload() {
        JCudaDriver.cuModuleUnload(module);
    }

    private void launch(String name, int gx, int gy, int gz, int block, int smem, CudaStream s, Object... args) {
        NativePointerObject[] ptrs = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof jcuda.driver.CUdeviceptr p) {
                ptrs[i] = Pointer.to(p);
            } else if (a instanceof Integer v) {
                ptrs[i] = Pointer.to(new int[] {v});
            } else if (a instanceof Long v) {
                ptrs[i] = Pointer.to(new long[] {v});
            } else if (a instanceof Float v) {
                ptrs[i] = Pointer.to(new float[] {v});
            } else {
                throw new IllegalArgumentException("unsupported kernel argument " + a);
            }
        }
        ctx.bind();
        check(
                JCudaDriver.cuLaunchKernel(
                        function(name), gx, gy, gz, block, 1, 1, smem, s.handle(), Pointer.to(ptrs), null),
                "cuLaunchKernel(" + name + ")");
    }

    /** Fills {@code n} bf16 elements at {@code offset} bytes with the deterministic pattern of {@link HostMath#fillValue}. */
    public void fillBf16(DeviceBuffer buf, long offset, long n, long seed, float scale, CudaStream s) {
        buf.checkRange(offset, 2 * n);
        launch("fill_bf16", blocksFor(n), 1, 1, 256, 0, s, buf.at(offset), n, seed, scale);
    }

    /** Copies {@code bytes} (a multiple of 16) from {@code src} to {@code dst} with the 16-byte copy kernel. */
    public void copy(DeviceBuffer src, DeviceBuffer dst, long bytes, CudaStream s) {
        if (bytes % 16 != 0) {
            throw new IllegalArgumentException("copy size must be a multiple of 16 bytes, got " + bytes);
        }
        src.checkRange(0, bytes);
        dst.checkRange(0, bytes);
        launch("copy_u4", blocksFor(bytes / 16), 1, 1, 256, 0, s, src.at(0), dst.at(0), bytes / 16);
    }

    /**
     * Runs {@code fma_chains}: {@code blocks} x 256 threads, each {@value HostMath#FMA_CHAINS} chains
     * of {@code iters} FMAs; thread t writes float t of {@code out}. FLOPs = 2 * 8 * iters * threads.
     */
    public void fmaChains(DeviceBuffer out, int blocks, int iters, float a, float b, CudaStream s) {
        if (blocks <= 0 || iters <= 0) {
            throw new IllegalArgumentException("blocks and iters must be > 0");
        }
        out.checkRange(0, 4L * blocks * 256);
        launch("fma_chains", blocks, 1, 1, 256, 0, s, out.at(0), iters, a, b);
    }

    /** Checks the tile constraints of {@code gemm_tn_*} and throws a message naming the failing one. */
    public static void validateGemm(int m, int n, int k, int splits) {
        if (m <= 0 || n <= 0 || k <= 0 || splits <= 0) {
            throw new IllegalArgumentException(
                    "GEMM sizes must be > 0: M=" + m + " N=" + n + " K=" + k + " splits=" + splits);
        }
        if (m % GEMM_BM != 0 || n % GEMM_BN != 0) {
            throw new IllegalArgumentException("tensor-core GEMM needs M % " + GEMM_BM + " == 0 and N % " + GEMM_BN
                    + " == 0, got M=" + m + " N=" + n);
        }
        if (k % splits != 0 || (k / splits) % GEMM_BK != 0) {
            throw new IllegalArgumentException(
                    "tensor-core GEMM needs (K / splits) % " + GEMM_BK + " == 0, got K=" + k + " splits=" + splits);
        }
    }

    /** C[M,N] (bf16) = A[M,K] * B[N,K]^T on the tensor cores. */
    public void gemmBf16(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, int m, int n, int k, CudaStream s) {
        validateGemm(m, n, k, 1);
        a.checkRange(0, 2L * m * k);
        b.checkRange(0, 2L * n * k);
        c.checkRange(0, 2L * m * n);
        launch(
                "gemm_tn_bf16",
                n / GEMM_BN,
                m / GEMM_BM,
                1,
                256,
                GEMM_SMEM_BYTES,
                s,
                a.at(0),
                b.at(0),
                c.at(0),
                m,
                n,
                k);
    }

    /**
     * C[M,N] (bf16) = A[M,K] * B[N,K]^T with Hopper's wgmma (128 x 256 x 64 tiles, two warpgroups).
     *
     * @throws IllegalStateException where {@link #hasWgmma()} is false
     */
    public void gemmBf16Wgmma(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, int m, int n, int k, CudaStream s) {
        if (!wgmma) {
            throw new IllegalStateException("the wgmma product needs compute capability 9.0 (loaded " + ptxName + ")");
        }
        validateGemm(m, n, k, 1);
        if (k % WGMMA_BK != 0) {
            throw new IllegalArgumentException("wgmma GEMM needs K % " + WGMMA_BK + " == 0, got K=" + k);
        }
        a.checkRange(0, 2L * m * k);
        b.checkRange(0, 2L * n * k);
        c.checkRange(0, 2L * m * n);
        launch(
                "gemm_tn_bf16_wgmma",
                (n / GEMM_BN) * (m / GEMM_BM),
                1,
                1,
                256,
                WGMMA_SMEM_BYTES,
                s,
                a.at(0),
                b.at(0),
                c.at(0),
                m,
                n,
                k);
    }

    /** C[M,N] (float, zeroed by the caller) += A[M,K] * B[N,K]^T, K split over {@code splits} blocks. */
    public void gemmF32Add(
            DeviceBuffer a,
            long aOff,
            DeviceBuffer b,
            long bOff,
            DeviceBuffer c,
            long cOff,
            int m,
            int n,
            int k,
            int splits,
            CudaStream s) {
        validateGemm(m, n, k, splits);
        a.checkRange(aOff, 2L * m * k);
        b.checkRange(bOff, 2L * n * k);
        c.checkRange(cOff, 4L * m * n);
        launch(
                "gemm_tn_f32add",
                n / GEMM_BN,
                m / GEMM_BM,
                splits,
                256,
                GEMM_SMEM_BYTES,
                s,
                a.at(aOff),
                b.at(bOff),
                c.at(cOff),
                m,
                n,
                k);
    }

    /** Checks the constraints of the skinny kernels. */
    public static void validateSkinny(int m, int n, int k, int splits) {
        if (m <= 0 || n <= 0 || k <= 0 || splits <= 0) {
            throw new IllegalArgumentException(
                    "GEMV sizes must be > 0: M=" + m + " N=" + n + " K=" + k + " splits=" + splits);
        }
        if (n % SKINNY_BN != 0) {
            throw new IllegalArgumentException("skinny GEMM needs N % " + SKINNY_BN + " == 0, got N=" + n);
        }
        if (k % splits != 0 || (k / splits) % SKINNY_KSTEP != 0) {
            throw new IllegalArgumentException(
                    "skinny GEMM needs (K / splits) % " + SKINNY_KSTEP + " == 0, got K=" + k + " splits=" + splits);
        }
    }

    /**
     * C[M,N] (float, zeroed by the caller) += X[M,K] * W[N,K]^T for few rows M (decode batches),
     * reading W once per 64 rows of X.
     */
    public void skinny(
            DeviceBuffer x,
            long xOff,
            DeviceBuffer w,
            long wOff,
            DeviceBuffer c,
            long cOff,
            int m,
            int n,
            int k,
            int splits,
            CudaStream s) {
        validateSkinny(m, n, k, splits);
        x.checkRange(xOff, 2L * m * k);
        w.checkRange(wOff, 2L * n * k);
        c.checkRange(cOff, 4L * m * n);
        String name = m <= 16 ? "skinny_m16" : m <= 32 ? "skinny_m32" : "skinny_m64";
        int rowsPerBlock = m <= 16 ? 16 : m <= 32 ? 32 : 64;
        launch(
                name,
                n / SKINNY_BN,
                (m + rowsPerBlock - 1) / rowsPerBlock,
                splits,
                128,
                0,
                s,
                x.at(xOff),
                w.at(wOff),
                c.at(cOff),
                m,
                n,
                k);
    }

    /** out (bf16) = in (float), {@code n} elements; {@code in} is zeroed (ready for the next split-K product). */
    public void f32ToBf16(DeviceBuffer in, DeviceBuffer out, long n, CudaStream s) {
        in.checkRange(0, 4 * n);
        out.checkRange(0, 2 * n);
        launch("f32_to_bf16", blocksFor(n), 1, 1, 256, 0, s, in.at(0), out.at(0), n);
    }

    /** out[r, i] (bf16) = silu(gu[r, i]) * gu[r, ffn + i]; {@code gu} is zeroed. */
    public void siluMul(DeviceBuffer gu, DeviceBuffer out, int rows, int ffn, CudaStream s) {
        gu.checkRange(0, 8L * rows * ffn);
        out.checkRange(0, 2L * rows * ffn);
        launch("silu_mul", blocksFor((long) rows * ffn), 1, 1, 256, 0, s, gu.at(0), out.at(0), rows, ffn);
    }

    /** *p += delta on the device (the decode step's context length). */
    public void addInt(DeviceBuffer p, int delta, CudaStream s) {
        p.checkRange(0, 4);
        launch("add_i32", 1, 1, 1, 32, 0, s, p.at(0), delta);
    }

    /** Name of the attention kernel for a head size and query heads per KV head. */
    public static String attentionKernel(int headDim, int group) {
        if (headDim == 64 && group == 4) {
            return "attn_partial_hd64_g4";
        }
        if (headDim == 128 && (group == 4 || group == 5)) {
            return "attn_partial_hd128_g" + group;
        }
        throw new IllegalArgumentException(
                "no attention kernel for head size " + headDim + " with " + group + " query heads per KV head");
    }

    /**
     * Decode attention, first pass: per (sequence, KV head, chunk of {@value #ATTN_CHUNK} positions)
     * partial softmax sums into {@code part}, for context length {@code *tLen} (device int).
     */
    public void attentionPartial(
            int headDim,
            int group,
            DeviceBuffer qkv,
            int qStride,
            DeviceBuffer kCache,
            long kOff,
            DeviceBuffer vCache,
            long vOff,
            DeviceBuffer tLen,
            int tMax,
            int batch,
            int kvHeads,
            DeviceBuffer part,
            CudaStream s) {
        String name = attentionKernel(headDim, group);
        int chunks = (tMax + ATTN_CHUNK - 1) / ATTN_CHUNK;
        long cache = 2L * batch * kvHeads * tMax * headDim;
        kCache.checkRange(kOff, cache);
        vCache.checkRange(vOff, cache);
        part.checkRange(0, 4L * batch * kvHeads * chunks * group * (headDim + 2));
        launch(
                name,
                batch * kvHeads,
                chunks,
                1,
                128,
                0,
                s,
                qkv.at(0),
                qStride,
                kCache.at(kOff),
                vCache.at(vOff),
                tLen.at(0),
                tMax,
                kvHeads,
                part.at(0));
    }

    /** Decode attention, second pass: combines the chunks into out [batch, heads * headDim] (bf16). */
    public void attentionCombine(
            int headDim,
            int group,
            DeviceBuffer part,
            DeviceBuffer tLen,
            int tMax,
            int batch,
            int kvHeads,
            DeviceBuffer out,
            CudaStream s) {
        int chunks = (tMax + ATTN_CHUNK - 1) / ATTN_CHUNK;
        out.checkRange(0, 2L * batch * kvHeads * group * headDim);
        launch(
                "attn_combine",
                batch * kvHeads,
                1,
                1,
                128,
                0,
                s,
                part.at(0),
                tLen.at(0),
                chunks,
                group,
                headDim,
                out.at(0));
    }
}
