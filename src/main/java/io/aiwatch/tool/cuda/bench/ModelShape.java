package io.aiwatch.tool.cuda.bench;

import java.util.List;
import java.util.Locale;

/**
 * The matrix shapes of a decoder-only transformer in bf16, enough to model decode: what is read per
 * step (weights, KV cache) and the FLOPs done. Presets follow published configurations (Llama 3.2
 * 1B, Llama 3.1 8B, Qwen2.5 14B and 32B). Embeddings are not read in decode beyond one row a token
 * and are left out; the LM head is counted.
 *
 * @param hidden model width
 * @param heads query heads
 * @param kvHeads key/value heads (grouped-query attention)
 * @param headDim dimensions per head
 * @param ffn MLP inner width (gate and up are fused into one [2 * ffn, hidden] matrix)
 */
public record ModelShape(String name, int hidden, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab) {

    public static final ModelShape B1 = new ModelShape("1B", 2048, 16, 32, 8, 64, 8192, 128256);
    public static final ModelShape B8 = new ModelShape("8B", 4096, 32, 32, 8, 128, 14336, 128256);
    public static final ModelShape B14 = new ModelShape("14B", 5120, 48, 40, 8, 128, 13824, 152064);
    public static final ModelShape B32 = new ModelShape("32B", 5120, 64, 40, 8, 128, 27648, 152064);

    public static List<ModelShape> presets() {
        return List.of(B1, B8, B14, B32);
    }

    /** A preset by name ("8B", case-insensitive). */
    public static ModelShape named(String name) {
        for (ModelShape m : presets()) {
            if (m.name.equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model size '" + name + "' (known: 1B, 8B, 14B, 32B)");
    }

    public ModelShape {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads must be a multiple of kvHeads");
        }
    }

    /** Columns of the fused QKV projection. */
    public int qkvColumns() {
        return (heads + 2 * kvHeads) * headDim;
    }

    /** Query heads per KV head. */
    public int group() {
        return heads / kvHeads;
    }

    /** Weights of one layer: QKV, output projection, gate+up, down. */
    public long layerParams() {
        return (long) qkvColumns() * hidden + (long) hidden * heads * headDim + 2L * ffn * hidden + (long) hidden * ffn;
    }

    /** Weights read per decode step (all layers and the LM head). */
    public long weightParams() {
        return layers * layerParams() + (long) vocab * hidden;
    }

    public long weightBytes() {
        return 2 * weightParams();
    }

    /** KV-cache bytes per token of context (K and V, every layer, bf16). */
    public long kvBytesPerToken() {
        return (long) layers * 2 * kvHeads * headDim * 2;
    }

    /** FLOPs of one decode step for {@code batch} sequences at context {@code context}. */
    public double flopsPerStep(int batch, int context) {
        double matmul = 2.0 * weightParams() * batch;
        double attention = 4.0 * layers * heads * headDim * (double) context * batch;
        return matmul + attention;
    }

    /** Bytes a decode step must read at least: the weights once and every sequence's KV cache. */
    public double bytesPerStep(int batch, int context) {
        return weightBytes() + (double) kvBytesPerToken() * context * batch;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%.2fB params, %d layers)", name, weightParams() / 1e9, layers);
    }
}
