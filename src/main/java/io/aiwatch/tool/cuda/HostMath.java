package io.aiwatch.tool.cuda;

/**
 * Host mirrors of the kernels' arithmetic, bit for bit where the kernel's is exact: the deterministic
 * fill ({@code fill_bf16}), bf16 rounding, and one thread of {@code fma_chains}. Checks compute
 * expected values here instead of copying inputs back from the GPU.
 */
public final class HostMath {
    /** Chains per thread in {@code fma_chains} (FMA_CHAINS in the CUDA source). */
    public static final int FMA_CHAINS = 8;

    private HostMath() {}

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Element {@code i} of a buffer filled by {@code fill_bf16(seed, scale)}, before bf16 rounding. */
    public static float fillValue(long seed, long i, float scale) {
        long h = mix64(seed * 0x9E3779B97F4A7C15L + i);
        float u = (float) (h >>> 40) * (1.0f / 16777216.0f);
        u = u * 2.0f - 1.0f;
        return u * scale;
    }

    /** Element {@code i} of a buffer filled by {@code fill_bf16(seed, scale)}, as the bf16 value. */
    public static float fillBf16(long seed, long i, float scale) {
        return bf16ToFloat(toBf16(fillValue(seed, i, scale)));
    }

    /** float to bf16 bits, round to nearest even (as {@code __float2bfloat16_rn}; NaN kept NaN). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    /** bf16 bits to float (exact). */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** Little-endian bf16 element {@code index} of {@code bytes}, as float. */
    public static float bf16At(byte[] bytes, int index) {
        int lo = bytes[2 * index] & 0xFF;
        int hi = bytes[2 * index + 1] & 0xFF;
        return bf16ToFloat((short) (lo | (hi << 8)));
    }

    /** Little-endian float element {@code index} of {@code bytes}. */
    public static float f32At(byte[] bytes, int index) {
        int o = 4 * index;
        int bits = (bytes[o] & 0xFF)
                | (bytes[o + 1] & 0xFF) << 8
                | (bytes[o + 2] & 0xFF) << 16
                | (bytes[o + 3] & 0xFF) << 24;
        return Float.intBitsToFloat(bits);
    }

    /** What thread {@code t} of {@code fma_chains(iters, a, b)} writes, computed with fused multiply-adds. */
    public static float fmaThread(int t, int iters, float a, float b) {
        float[] x = new float[FMA_CHAINS];
        for (int j = 0; j < FMA_CHAINS; j++) {
            x[j] = (float) ((t * FMA_CHAINS + j) & 1023) * 0.0009765625f;
        }
        for (int i = 0; i < iters; i++) {
            for (int j = 0; j < FMA_CHAINS; j++) {
                x[j] = Math.fma(x[j], a, b);
            }
        }
        float s = x[0];
        for (int j = 1; j < FMA_CHAINS; j++) {
            s += x[j];
        }
        return s;
    }

    /**
     * One element of {@code C = A * B^T} for filled bf16 matrices A [M, K] and B [N, K], in double:
     * the reference a tensor-core product is compared against.
     */
    public static double gemmElement(long seedA, float scaleA, long seedB, float scaleB, int K, int row, int col) {
        double s = 0;
        for (int k = 0; k < K; k++) {
            s += (double) fillBf16(seedA, (long) row * K + k, scaleA) * fillBf16(seedB, (long) col * K + k, scaleB);
        }
        return s;
    }
}
