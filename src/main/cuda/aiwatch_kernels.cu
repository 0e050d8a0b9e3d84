// aiwatch GPU characterisation kernels (EXP-001).
//
// Compiled to PTX for compute_80 and compute_90 by build-ptx.sh; the PTX is packaged in the jar
// (src/main/resources/io/aiwatch/tool/cuda/) and loaded through the CUDA driver API by
// io.aiwatch.tool.cuda.Kernels. Every entry point is extern "C" so that its PTX name is stable.
//
// Host mirrors: the fill hash and the FMA chains are reproduced bit for bit by
// io.aiwatch.tool.cuda.HostMath, so results can be checked on the host without copying inputs back.
#include <cuda_bf16.h>
#include <stdint.h>

typedef unsigned long long u64;

// ------------------------------------------------------------------------------------------------
// Deterministic fill: element i of a buffer filled with (seed, scale) is
//   bf16_rn(((mix(seed * GOLDEN + i) >> 40) * 2^-24 * 2 - 1) * scale)
// where mix is the splitmix64 finaliser. HostMath.fillValue computes the same value.
// ------------------------------------------------------------------------------------------------
__device__ __forceinline__ u64 mix64(u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

__device__ __forceinline__ float fill_value(u64 seed, u64 i, float scale) {
    u64 h = mix64(seed * 0x9E3779B97F4A7C15ull + i);
    float u = __fmul_rn((float)(uint32_t)(h >> 40), 1.0f / 16777216.0f);
    u = __fadd_rn(__fmul_rn(u, 2.0f), -1.0f);
    return __fmul_rn(u, scale);
}

extern "C" __global__ void fill_bf16(__nv_bfloat16* __restrict__ p, u64 n, u64 seed, float scale) {
    u64 stride = (u64)gridDim.x * blockDim.x;
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        p[i] = __float2bfloat16_rn(fill_value(seed, i, scale));
    }
}

// ------------------------------------------------------------------------------------------------
// Device-to-device copy, 16 bytes per access: each block copies contiguous tiles of blockDim * 4
// vectors (good DRAM page locality), four loads in flight per thread before the stores.
// ------------------------------------------------------------------------------------------------
extern "C" __global__ void copy_u4(const uint4* __restrict__ src, uint4* __restrict__ dst, u64 n16) {
    const u64 tile = (u64)blockDim.x * 4;
    for (u64 base = (u64)blockIdx.x * tile; base < n16; base += (u64)gridDim.x * tile) {
        u64 i = base + threadIdx.x;
        if (base + tile <= n16) {
            uint4 a = src[i], b = src[i + blockDim.x], c = src[i + 2 * blockDim.x], d = src[i + 3 * blockDim.x];
            dst[i] = a;
            dst[i + blockDim.x] = b;
            dst[i + 2 * blockDim.x] = c;
            dst[i + 3 * blockDim.x] = d;
        } else {
            for (; i < n16; i += blockDim.x) dst[i] = src[i];
        }
    }
}

// ------------------------------------------------------------------------------------------------
// FP32 FMA throughput: FMA_CHAINS independent chains x = fma(x, a, b) per thread, iters long.
// Thread t starts chain j at ((t * FMA_CHAINS + j) & 1023) / 1024 and writes the chains' sum
// (added in order). HostMath.fmaThread reproduces one thread exactly (Math.fma is fused too).
// ------------------------------------------------------------------------------------------------
#define FMA_CHAINS 8
extern "C" __global__ void fma_chains(float* __restrict__ out, int iters, float a, float b) {
    unsigned t = blockIdx.x * blockDim.x + threadIdx.x;
    float x[FMA_CHAINS];
#pragma unroll
    for (int j = 0; j < FMA_CHAINS; j++) x[j] = (float)((t * FMA_CHAINS + j) & 1023u) * 0.0009765625f;
#pragma unroll 4
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < FMA_CHAINS; j++) x[j] = fmaf(x[j], a, b);
    }
    float s = x[0];
#pragma unroll
    for (int j = 1; j < FMA_CHAINS; j++) s = __fadd_rn(s, x[j]);
    out[t] = s;
}

// ------------------------------------------------------------------------------------------------
// Tensor-core helpers (mma.sync m16n8k16 bf16 -> f32, ldmatrix, cp.async).
// ------------------------------------------------------------------------------------------------
__device__ __forceinline__ uint32_t smem_u32(const void* p) { return (uint32_t)__cvta_generic_to_shared(p); }

__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(dst), "l"(src));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

__device__ __forceinline__ void ldmatrix_x4(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
                 : "r"(addr));
}

__device__ __forceinline__ void mma_bf16(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// ------------------------------------------------------------------------------------------------
// Tiled tensor-core GEMM, "TN": C[M,N] = A[M,K] * B[N,K]^T, A and B row-major bf16 (B laid out
// like a linear layer's weight). Block tile 128 x 256 x 32, 8 warps (2 x 4) of 64 x 64, STAGES-deep
// cp.async pipeline, 16-byte chunks swizzled (chunk ^ ((row >> 1) & 3)) so ldmatrix is free of bank
// conflicts. Requires M % 128 == 0, N % 256 == 0, (K / splits) % 32 == 0 (checked on the host).
// OUT_F32_ATOMIC: add into a zeroed float C (split-K over gridDim.z); otherwise store bf16 C.
// ------------------------------------------------------------------------------------------------
#define G_BM 128
#define G_BN 256
#define G_BK 32
#define G_STAGES 4
#define G_THREADS 256
#define G_STAGE_BYTES ((G_BM + G_BN) * G_BK * 2)

__device__ __forceinline__ uint32_t tile_off(int r, int c) { return (uint32_t)(r * 64 + ((c ^ ((r >> 1) & 3)) << 4)); }

template <bool OUT_F32_ATOMIC>
__device__ __forceinline__ void gemm_tn_body(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B,
                                             void* __restrict__ Cv, int M, int N, int K) {
    extern __shared__ __align__(128) uint8_t smem[];
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const int wm = warp >> 2, wn = warp & 3;
    const int m0 = blockIdx.y * G_BM, n0 = blockIdx.x * G_BN;
    const int kPer = K / gridDim.z, kBase = blockIdx.z * kPer, KT = kPer / G_BK;
    const uint32_t sbase = smem_u32(smem);

    auto load_stage = [&](int slot, int kt) {
        const uint32_t sa = sbase + slot * G_STAGE_BYTES, sb = sa + G_BM * G_BK * 2;
        const int k0 = kBase + kt * G_BK;
#pragma unroll
        for (int i = tid; i < G_BM * 4; i += G_THREADS) {
            int r = i >> 2, c = i & 3;
            cp_async16(sa + tile_off(r, c), A + (size_t)(m0 + r) * K + k0 + c * 8);
        }
#pragma unroll
        for (int i = tid; i < G_BN * 4; i += G_THREADS) {
            int r = i >> 2, c = i & 3;
            cp_async16(sb + tile_off(r, c), B + (size_t)(n0 + r) * K + k0 + c * 8);
        }
    };

    float acc[4][8][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 8; j++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;

#pragma unroll
    for (int s = 0; s < G_STAGES - 1; s++) {
        if (s < KT) load_stage(s, s);
        cp_async_commit();
    }

    for (int kt = 0; kt < KT; kt++) {
        cp_async_wait<G_STAGES - 2>();
        __syncthreads();
        int next = kt + G_STAGES - 1;
        if (next < KT) load_stage(next % G_STAGES, next);
        cp_async_commit();

        const uint32_t sa = sbase + (kt % G_STAGES) * G_STAGE_BYTES, sb = sa + G_BM * G_BK * 2;
#pragma unroll
        for (int kk = 0; kk < G_BK / 16; kk++) {
            uint32_t af[4][4], bfr[8][2];
#pragma unroll
            for (int mi = 0; mi < 4; mi++) {
                int r = wm * 64 + mi * 16 + (lane & 15);
                int c = kk * 2 + (lane >> 4);
                ldmatrix_x4(sa + tile_off(r, c), af[mi][0], af[mi][1], af[mi][2], af[mi][3]);
            }
#pragma unroll
            for (int nj = 0; nj < 4; nj++) {
                int r = wn * 64 + nj * 16 + (lane & 7) + ((lane >> 4) << 3);
                int c = kk * 2 + ((lane >> 3) & 1);
                ldmatrix_x4(sb + tile_off(r, c), bfr[2 * nj][0], bfr[2 * nj][1], bfr[2 * nj + 1][0], bfr[2 * nj + 1][1]);
            }
#pragma unroll
            for (int mi = 0; mi < 4; mi++)
#pragma unroll
                for (int ni = 0; ni < 8; ni++) mma_bf16(acc[mi][ni], af[mi], bfr[ni][0], bfr[ni][1]);
        }
    }
    cp_async_wait<0>();

#pragma unroll
    for (int mi = 0; mi < 4; mi++) {
#pragma unroll
        for (int ni = 0; ni < 8; ni++) {
            int row = m0 + wm * 64 + mi * 16 + (lane >> 2);
            int col = n0 + wn * 64 + ni * 8 + (lane & 3) * 2;
            if (OUT_F32_ATOMIC) {
                float* C = (float*)Cv;
                atomicAdd(C + (size_t)row * N + col, acc[mi][ni][0]);
                atomicAdd(C + (size_t)row * N + col + 1, acc[mi][ni][1]);
                atomicAdd(C + (size_t)(row + 8) * N + col, acc[mi][ni][2]);
                atomicAdd(C + (size_t)(row + 8) * N + col + 1, acc[mi][ni][3]);
            } else {
                __nv_bfloat162* C = (__nv_bfloat162*)Cv;
                C[((size_t)row * N + col) >> 1] = __floats2bfloat162_rn(acc[mi][ni][0], acc[mi][ni][1]);
                C[((size_t)(row + 8) * N + col) >> 1] = __floats2bfloat162_rn(acc[mi][ni][2], acc[mi][ni][3]);
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(G_THREADS, 1)
    gemm_tn_bf16(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B, __nv_bfloat16* __restrict__ C,
                 int M, int N, int K) {
    gemm_tn_body<false>(A, B, C, M, N, K);
}

extern "C" __global__ void __launch_bounds__(G_THREADS, 1)
    gemm_tn_f32add(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B, float* __restrict__ C,
                   int M, int N, int K) {
    gemm_tn_body<true>(A, B, C, M, N, K);
}

// ------------------------------------------------------------------------------------------------
// Hopper tensor-core GEMM (sm_90a only: wgmma), same "TN" contract as gemm_tn_bf16.
// Block tile 128 x 256 x 64, two consumer warpgroups (rows 0-63 and 64-127 of the tile), each issuing
// wgmma m64n256k16 with both operands from shared memory in the 128-byte swizzle (16-byte chunk c of
// row r stored at chunk c ^ (r & 7), 8-row groups 1024 bytes apart). Loads are cp.async by all
// threads, W_STAGES deep. Blocks are rasterised in groups of 8 tile rows for L2 reuse.
// ------------------------------------------------------------------------------------------------
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define W_BM 128
#define W_BN 256
#define W_BK 64
#define W_STAGES 4
#define W_A_BYTES (W_BM * W_BK * 2)
#define W_STAGE_BYTES ((W_BM + W_BN) * W_BK * 2)
#define W_GROUP_M 8

__device__ __forceinline__ uint32_t sw128(int r, int c) { return (uint32_t)(r * 128 + ((c ^ (r & 7)) << 4)); }

__device__ __forceinline__ uint64_t wgmma_desc(uint32_t saddr) {
    uint64_t d = 0;
    d |= (uint64_t)((saddr & 0x3FFFF) >> 4);
    d |= (uint64_t)1 << 16;             // leading byte offset (unused for swizzled K-major)
    d |= (uint64_t)(1024 >> 4) << 32;   // stride byte offset: 8 rows x 128 bytes
    d |= (uint64_t)1 << 62;             // 128-byte swizzle
    return d;
}

__device__ __forceinline__ void wgmma_m64n256k16(float* d, uint64_t da, uint64_t db) {
    asm volatile(
        "{\n"
        "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 "
        "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63,%64,%65,%66,%67,%68,%69,%70,%71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%94,%95,%96,%97,%98,%99,%100,%101,%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%113,%114,%115,%116,%117,%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}, "
        "%128, %129, 1, 1, 1, 0, 0;\n"
        "}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
        : "l"(da), "l"(db));
}

extern "C" __global__ void __launch_bounds__(256, 1)
    gemm_tn_bf16_wgmma(const __nv_bfloat16* __restrict__ A, const __nv_bfloat16* __restrict__ B,
                       __nv_bfloat16* __restrict__ C, int M, int N, int K) {
    extern __shared__ __align__(1024) uint8_t smem_raw[];
    // 1024-byte alignment for the swizzle pattern
    uint8_t* smem = (uint8_t*)(((uintptr_t)smem_raw + 1023) & ~(uintptr_t)1023);
    const int tid = threadIdx.x, wg = tid >> 7, lane = tid & 31, warp_in_wg = (tid >> 5) & 3;
    const int nx = N / W_BN, ny = M / W_BM;
    const int bid = blockIdx.x, per_group = W_GROUP_M * nx, group = bid / per_group;
    const int first_y = group * W_GROUP_M, rows_in_group = min(ny - first_y, W_GROUP_M);
    const int by = first_y + (bid % per_group) % rows_in_group, bx = (bid % per_group) / rows_in_group;
    const int m0 = by * W_BM, n0 = bx * W_BN, KT = K / W_BK;
    const uint32_t sbase = smem_u32(smem);

    auto load_stage = [&](int slot, int kt) {
        const uint32_t sa = sbase + slot * W_STAGE_BYTES, sb = sa + W_A_BYTES;
        const int k0 = kt * W_BK;
#pragma unroll
        for (int i = tid; i < W_BM * 8; i += 256) {
            int r = i >> 3, c = i & 7;
            cp_async16(sa + sw128(r, c), A + (size_t)(m0 + r) * K + k0 + c * 8);
        }
#pragma unroll
        for (int i = tid; i < W_BN * 8; i += 256) {
            int r = i >> 3, c = i & 7;
            cp_async16(sb + sw128(r, c), B + (size_t)(n0 + r) * K + k0 + c * 8);
        }
    };

    float d[128];
#pragma unroll
    for (int i = 0; i < 128; i++) d[i] = 0.f;

#pragma unroll
    for (int s = 0; s < W_STAGES - 1; s++) {
        if (s < KT) load_stage(s, s);
        cp_async_commit();
    }
    for (int kt = 0; kt < KT; kt++) {
        cp_async_wait<W_STAGES - 2>();
        asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
        __syncthreads();
        int next = kt + W_STAGES - 1;
        if (next < KT) load_stage(next % W_STAGES, next);
        cp_async_commit();
        const uint32_t sa = sbase + (kt % W_STAGES) * W_STAGE_BYTES + wg * (64 * 128), sb = sbase + (kt % W_STAGES) * W_STAGE_BYTES + W_A_BYTES;
        asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#pragma unroll
        for (int kk = 0; kk < W_BK / 16; kk++) {
            wgmma_m64n256k16(d, wgmma_desc(sa + kk * 32), wgmma_desc(sb + kk * 32));
        }
        asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
        asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
    }
    cp_async_wait<0>();

    const int row = m0 + wg * 64 + warp_in_wg * 16 + (lane >> 2);
#pragma unroll
    for (int i = 0; i < 32; i++) {
        int col = n0 + i * 8 + (lane & 3) * 2;
        __nv_bfloat162* c2 = (__nv_bfloat162*)C;
        c2[((size_t)row * N + col) >> 1] = __floats2bfloat162_rn(d[4 * i], d[4 * i + 1]);
        c2[((size_t)(row + 8) * N + col) >> 1] = __floats2bfloat162_rn(d[4 * i + 2], d[4 * i + 3]);
    }
}
#endif

// ------------------------------------------------------------------------------------------------
// Skinny tensor-core GEMM for decode (few rows of activations against a large weight matrix):
// C[M,N] += X[M,K] * W[N,K]^T with C float (zeroed by the caller), M <= 16 * MT per blockIdx.y.
// No shared memory: every thread loads 16 bytes of W per k32 slab and n8 tile straight into the
// mma B fragment, with the same permutation of k applied to X (a dot product does not care about
// the order of k). Block = 4 warps, each 32 columns (4 n8 tiles); gridDim.z splits K.
// Requires N % 128 == 0 and (K / gridDim.z) % 128 == 0 (checked on the host).
// ------------------------------------------------------------------------------------------------
#define S_WARPS 4
#define S_NT 4
#define S_UNROLL 4

template <int MT>
__device__ __forceinline__ void skinny_body(const __nv_bfloat16* __restrict__ X, const __nv_bfloat16* __restrict__ W,
                                            float* __restrict__ C, int M, int N, int K) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int g = lane >> 2, q = lane & 3;
    const int nw = (blockIdx.x * S_WARPS + warp) * (S_NT * 8);
    const int mBase = blockIdx.y * (MT * 16);
    const int kPer = K / gridDim.z, kBeg = blockIdx.z * kPer, kEnd = kBeg + kPer;

    float acc[MT][S_NT][4];
#pragma unroll
    for (int i = 0; i < MT; i++)
#pragma unroll
        for (int j = 0; j < S_NT; j++)
#pragma unroll
            for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;

    const uint4 zero = make_uint4(0, 0, 0, 0);
    for (int k0 = kBeg; k0 < kEnd; k0 += 32 * S_UNROLL) {
        uint4 w[S_UNROLL][S_NT];
#pragma unroll
        for (int u = 0; u < S_UNROLL; u++)
#pragma unroll
            for (int j = 0; j < S_NT; j++)
                w[u][j] = __ldcs((const uint4*)(W + (size_t)(nw + j * 8 + g) * K + k0 + u * 32 + q * 8));
#pragma unroll
        for (int u = 0; u < S_UNROLL; u++) {
#pragma unroll
            for (int mt = 0; mt < MT; mt++) {
                int r0 = mBase + mt * 16 + g, r1 = r0 + 8;
                uint4 x0 = r0 < M ? __ldg((const uint4*)(X + (size_t)r0 * K + k0 + u * 32 + q * 8)) : zero;
                uint4 x1 = r1 < M ? __ldg((const uint4*)(X + (size_t)r1 * K + k0 + u * 32 + q * 8)) : zero;
                uint32_t a_lo[4] = {x0.x, x1.x, x0.y, x1.y};
                uint32_t a_hi[4] = {x0.z, x1.z, x0.w, x1.w};
#pragma unroll
                for (int j = 0; j < S_NT; j++) {
                    mma_bf16(acc[mt][j], a_lo, w[u][j].x, w[u][j].y);
                    mma_bf16(acc[mt][j], a_hi, w[u][j].z, w[u][j].w);
                }
            }
        }
    }
#pragma unroll
    for (int mt = 0; mt < MT; mt++) {
        int r0 = mBase + mt * 16 + g, r1 = r0 + 8;
#pragma unroll
        for (int j = 0; j < S_NT; j++) {
            int col = nw + j * 8 + q * 2;
            if (r0 < M) {
                atomicAdd(C + (size_t)r0 * N + col, acc[mt][j][0]);
                atomicAdd(C + (size_t)r0 * N + col + 1, acc[mt][j][1]);
            }
            if (r1 < M) {
                atomicAdd(C + (size_t)r1 * N + col, acc[mt][j][2]);
                atomicAdd(C + (size_t)r1 * N + col + 1, acc[mt][j][3]);
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(S_WARPS * 32)
    skinny_m16(const __nv_bfloat16* X, const __nv_bfloat16* W, float* C, int M, int N, int K) {
    skinny_body<1>(X, W, C, M, N, K);
}
extern "C" __global__ void __launch_bounds__(S_WARPS * 32)
    skinny_m32(const __nv_bfloat16* X, const __nv_bfloat16* W, float* C, int M, int N, int K) {
    skinny_body<2>(X, W, C, M, N, K);
}
extern "C" __global__ void __launch_bounds__(S_WARPS * 32)
    skinny_m64(const __nv_bfloat16* X, const __nv_bfloat16* W, float* C, int M, int N, int K) {
    skinny_body<4>(X, W, C, M, N, K);
}

// ------------------------------------------------------------------------------------------------
// Element-wise pieces of a decode step.
// ------------------------------------------------------------------------------------------------
// Converts and zeroes the source: the split-K accumulator is ready for the next product without a memset.
extern "C" __global__ void f32_to_bf16(float* __restrict__ in, __nv_bfloat16* __restrict__ out, u64 n) {
    u64 stride = (u64)gridDim.x * blockDim.x;
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = __float2bfloat16_rn(in[i]);
        in[i] = 0.f;
    }
}

// gu is [rows, 2 * ffn] (gate then up); out[r, i] = silu(gate[r, i]) * up[r, i]; gu is zeroed.
extern "C" __global__ void silu_mul(float* __restrict__ gu, __nv_bfloat16* __restrict__ out, int rows, int ffn) {
    u64 n = (u64)rows * ffn, stride = (u64)gridDim.x * blockDim.x;
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        u64 r = i / ffn, c = i % ffn;
        float gt = gu[r * 2 * ffn + c], up = gu[r * 2 * ffn + ffn + c];
        out[i] = __float2bfloat16_rn(gt / (1.f + __expf(-gt)) * up);
        gu[r * 2 * ffn + c] = 0.f;
        gu[r * 2 * ffn + ffn + c] = 0.f;
    }
}

// The context length lives on the device so that one captured CUDA graph serves every step.
extern "C" __global__ void add_i32(int* p, int delta) {
    if (threadIdx.x == 0 && blockIdx.x == 0) *p += delta;
}

// ------------------------------------------------------------------------------------------------
// Decode attention over a KV cache (grouped-query: G query heads share one KV head).
// Cache layout per layer: [B][KVH][Tmax][HD] bf16 for K and for V. q comes from the QKV projection
// (row stride qStride elements, query head h at column h * HD). Split-K over the context
// ("flash-decoding"): block (b * KVH + kvh, chunk) handles positions [chunk * ACH, +ACH) and writes
// per query head the running max m, the sum l of exp(s - m) and acc = sum exp(s - m) * v; a second
// kernel combines the chunks. Positions at or beyond *T are ignored (blocks past it exit).
// Within a warp, LPP = HD / 16 lanes share one position (16 dims each, two 16-byte loads of K and
// two of V), so a warp covers 32 / LPP positions per step.
// ------------------------------------------------------------------------------------------------
#define A_WARPS 4
#define ACH 64

__device__ __forceinline__ float dot8(const __nv_bfloat162* q, uint4 k) {
    const __nv_bfloat162* k2 = (const __nv_bfloat162*)&k;
    float s = 0.f;
#pragma unroll
    for (int e = 0; e < 4; e++) {
        float2 a = __bfloat1622float2(q[e]), b = __bfloat1622float2(k2[e]);
        s = fmaf(a.x, b.x, s);
        s = fmaf(a.y, b.y, s);
    }
    return s;
}

template <int HD, int G>
__device__ __forceinline__ void attn_partial_body(const __nv_bfloat16* __restrict__ qkv, int qStride,
                                                  const __nv_bfloat16* __restrict__ Kc,
                                                  const __nv_bfloat16* __restrict__ Vc, const int* __restrict__ Tp,
                                                  int Tmax, int KVH, float* __restrict__ part) {
    constexpr int DPL = 16;         // dims per lane
    constexpr int LPP = HD / DPL;   // lanes per position
    constexpr int PPW = 32 / LPP;   // positions per warp step
    constexpr int STEP = A_WARPS * PPW;
    __shared__ float sm[A_WARPS][G][HD + 2];
    const int T = *Tp;
    const int bk = blockIdx.x, chunk = blockIdx.y, nChunks = gridDim.y;
    const int b = bk / KVH, kvh = bk % KVH;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, pos = lane / LPP, sub = lane % LPP;
    const int tBeg = chunk * ACH;
    float* out = part + ((size_t)bk * nChunks + chunk) * G * (HD + 2);
    if (tBeg >= T) return;
    const int tEnd = min(T, tBeg + ACH);
    const float scale = rsqrtf((float)HD) * 1.4426950408889634f;  // log2(e) / sqrt(HD)

    __nv_bfloat162 qv[G][DPL / 2];
#pragma unroll
    for (int h = 0; h < G; h++) {
        const uint4* qp = (const uint4*)(qkv + (size_t)b * qStride + (kvh * G + h) * HD + sub * DPL);
        uint4 q0 = qp[0], q1 = qp[1];
        const __nv_bfloat162* a = (const __nv_bfloat162*)&q0;
        const __nv_bfloat162* c = (const __nv_bfloat162*)&q1;
#pragma unroll
        for (int e = 0; e < 4; e++) {
            qv[h][e] = a[e];
            qv[h][4 + e] = c[e];
        }
    }
    float m[G], l[G], acc[G][DPL];
#pragma unroll
    for (int h = 0; h < G; h++) {
        m[h] = -INFINITY;
        l[h] = 0.f;
#pragma unroll
        for (int d = 0; d < DPL; d++) acc[h][d] = 0.f;
    }
    const size_t head = ((size_t)b * KVH + kvh) * Tmax;
    const uint4 zero = make_uint4(0, 0, 0, 0);
    // Every lane runs the same number of steps (shuffles need the whole warp); a lane whose
    // position is past tEnd contributes nothing. Two positions per lane are loaded before either is used.
    for (int t0 = tBeg + warp * PPW; t0 < tEnd; t0 += 2 * STEP) {
        uint4 kr[2][2], vr[2][2];
        bool valid[2];
#pragma unroll
        for (int u = 0; u < 2; u++) {
            const int t = t0 + u * STEP + pos;
            valid[u] = t < tEnd;
            const uint4* kp = (const uint4*)(Kc + (head + t) * HD + sub * DPL);
            const uint4* vp = (const uint4*)(Vc + (head + t) * HD + sub * DPL);
            kr[u][0] = valid[u] ? __ldcs(kp) : zero;
            kr[u][1] = valid[u] ? __ldcs(kp + 1) : zero;
            vr[u][0] = valid[u] ? __ldcs(vp) : zero;
            vr[u][1] = valid[u] ? __ldcs(vp + 1) : zero;
        }
#pragma unroll
        for (int u = 0; u < 2; u++) {
            float vf[DPL];
#pragma unroll
            for (int v = 0; v < 2; v++) {
                const __nv_bfloat162* v2 = (const __nv_bfloat162*)&vr[u][v];
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    float2 vv = __bfloat1622float2(v2[e]);
                    vf[v * 8 + 2 * e] = vv.x;
                    vf[v * 8 + 2 * e + 1] = vv.y;
                }
            }
#pragma unroll
            for (int h = 0; h < G; h++) {
                float s = (dot8(qv[h], kr[u][0]) + dot8(qv[h] + 4, kr[u][1])) * scale;
#pragma unroll
                for (int off = 1; off < LPP; off <<= 1) s += __shfl_xor_sync(0xffffffffu, s, off);
                if (valid[u]) {
                    float mn = fmaxf(m[h], s);
                    float corr = exp2f(m[h] - mn), p = exp2f(s - mn);
                    l[h] = l[h] * corr + p;
#pragma unroll
                    for (int d = 0; d < DPL; d++) acc[h][d] = fmaf(p, vf[d], acc[h][d] * corr);
                    m[h] = mn;
                }
            }
        }
    }
    // Merge the position groups of each warp (lane bits above LPP), then the warps through shared memory.
#pragma unroll
    for (int h = 0; h < G; h++) {
#pragma unroll
        for (int off = LPP; off < 32; off <<= 1) {
            float mo = __shfl_xor_sync(0xffffffffu, m[h], off);
            float lo = __shfl_xor_sync(0xffffffffu, l[h], off);
            float mn = fmaxf(m[h], mo);
            float c0 = (m[h] == -INFINITY) ? 0.f : exp2f(m[h] - mn);
            float c1 = (mo == -INFINITY) ? 0.f : exp2f(mo - mn);
            l[h] = l[h] * c0 + lo * c1;
#pragma unroll
            for (int d = 0; d < DPL; d++) {
                float ao = __shfl_xor_sync(0xffffffffu, acc[h][d], off);
                acc[h][d] = acc[h][d] * c0 + ao * c1;
            }
            m[h] = mn;
        }
        if (pos == 0) {
#pragma unroll
            for (int d = 0; d < DPL; d++) sm[warp][h][sub * DPL + d] = acc[h][d];
            if (sub == 0) {
                sm[warp][h][HD] = m[h];
                sm[warp][h][HD + 1] = l[h];
            }
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < G * HD; i += blockDim.x) {
        int h = i / HD, d = i % HD;
        float mx = -INFINITY;
#pragma unroll
        for (int w = 0; w < A_WARPS; w++) mx = fmaxf(mx, sm[w][h][HD]);
        float a = 0.f, ls = 0.f;
#pragma unroll
        for (int w = 0; w < A_WARPS; w++) {
            float mw = sm[w][h][HD];
            float c = (mw == -INFINITY) ? 0.f : exp2f(mw - mx);
            a += sm[w][h][d] * c;
            ls += sm[w][h][HD + 1] * c;
        }
        float* o = out + h * (HD + 2);
        o[d] = a;
        if (d == 0) {
            o[HD] = mx;
            o[HD + 1] = ls;
        }
    }
}

// Combines the chunks: out[b, (kvh * G + h) * HD + d] = sum_c acc_c e^(m_c - M) / sum_c l_c e^(m_c - M).
extern "C" __global__ void attn_combine(const float* __restrict__ part, const int* __restrict__ Tp, int nChunks, int G,
                                        int HD, __nv_bfloat16* __restrict__ out) {
    const int bk = blockIdx.x;  // b * KVH + kvh; out row stride is KVH * G * HD, so (bk * G + h) * HD
    const int used = min(nChunks, (*Tp + ACH - 1) / ACH);
    for (int i = threadIdx.x; i < G * HD; i += blockDim.x) {
        int h = i / HD, d = i % HD;
        float mx = -INFINITY;
        for (int c = 0; c < used; c++) mx = fmaxf(mx, part[(((size_t)bk * nChunks + c) * G + h) * (HD + 2) + HD]);
        float a = 0.f, ls = 0.f;
        for (int c = 0; c < used; c++) {
            const float* p = part + (((size_t)bk * nChunks + c) * G + h) * (HD + 2);
            float w = (p[HD] == -INFINITY) ? 0.f : exp2f(p[HD] - mx);
            a += p[d] * w;
            ls += p[HD + 1] * w;
        }
        out[((size_t)bk * G + h) * HD + d] = __float2bfloat16_rn(ls > 0.f ? a / ls : 0.f);
    }
}

#define ATTN(NAME, HD, G)                                                                                         \
    extern "C" __global__ void __launch_bounds__(A_WARPS * 32)                                                    \
        NAME(const __nv_bfloat16* qkv, int qStride, const __nv_bfloat16* Kc, const __nv_bfloat16* Vc, const int* Tp, \
             int Tmax, int KVH, float* part) {                                                                    \
        attn_partial_body<HD, G>(qkv, qStride, Kc, Vc, Tp, Tmax, KVH, part);                                      \
    }
ATTN(attn_partial_hd64_g4, 64, 4)
ATTN(attn_partial_hd128_g4, 128, 4)
ATTN(attn_partial_hd128_g5, 128, 5)
