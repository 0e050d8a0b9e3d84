package io.aiwatch.tool.loadbench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a synthetic safetensors file of an exact size, shaped like a decoder-only transformer in
 * BF16: an embedding, then layers of attention and MLP projections, then a final norm and a filler
 * tensor that makes the size exact. Every aligned 8-byte word of the tensor data holds
 * {@link #word(long, long)} of its file offset, so a reader's output can be checked anywhere.
 * The header is padded with spaces (as the reference writer does) so the data starts at an 8-byte
 * boundary.
 */
public final class SyntheticModel {
    private static final int WRITE_CHUNK = 8 << 20;
    private static final long MIN_BYTES = 64 << 10;

    private SyntheticModel() {}

    /** The content word at an 8-byte aligned file offset (splitmix64 of offset and seed). */
    public static long word(long seed, long fileOffset) {
        long z = seed + (fileOffset >>> 3) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Writes {@code bytes} bytes to {@code file} (created or truncated), syncs it to disk and returns
     * its header. The caller has checked that {@code file} is where it may write.
     *
     * @param bytes total file size, at least 64 KiB
     */
    public static SafetensorsHeader write(Path file, long bytes, long seed) throws IOException {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "a synthetic model needs at least " + MIN_BYTES + " bytes, got " + bytes);
        }
        Layout layout = layout(bytes);
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer head =
                    ByteBuffer.allocate((int) (8 + layout.header.length)).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(layout.header.length).put(layout.header).flip();
            while (head.hasRemaining()) {
                ch.write(head);
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(WRITE_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            long pos = 8 + layout.header.length;
            while (pos < bytes) {
                int n = (int) Math.min(WRITE_CHUNK, bytes - pos);
                buf.clear();
                for (int i = 0; i < n; i += 8) {
                    buf.putLong(i, word(seed, pos + i));
                }
                buf.limit(n);
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
            }
            ch.force(true);
        }
        return SafetensorsHeader.read(file);
    }

    /** The header JSON for a file of {@code bytes}, padded so that 8 + its length is a multiple of 8. */
    static Layout layout(long bytes) {
        int hidden = bytes >= (2L << 30) ? 4096 : bytes >= (256L << 20) ? 2048 : bytes >= (16L << 20) ? 512 : 64;
        int ffn = hidden * 7 / 2;
        // The header length depends on the tensor list and the list on the space the header leaves:
        // reserve generously, then pad to the reserve.
        long reserve = 4096;
        while (true) {
            long dataStart = 8 + reserve;
            List<Object[]> tensors = plan(bytes - dataStart, hidden, ffn);
            String json = json(tensors);
            if (json.length() <= reserve) {
                String padded = json + " ".repeat((int) (reserve - json.length()));
                return new Layout(padded.getBytes(StandardCharsets.UTF_8));
            }
            reserve = (json.length() + 4096L) / 8 * 8;
        }
    }

    record Layout(byte[] header) {}

    /** Tensors as {name, dtype, shape[], bytes}, filling exactly {@code dataBytes}. */
    private static List<Object[]> plan(long dataBytes, int hidden, int ffn) {
        List<Object[]> out = new ArrayList<>();
        long left = dataBytes;
        long vocab = 32000;
        long embed = Math.min(vocab, Math.max(1, left / 4 / (2L * hidden)));
        left = add(out, "model.embed_tokens.weight", new long[] {embed, hidden}, left);
        long perLayer = 2L * (4L * hidden * hidden + 3L * ffn * hidden + 2L * hidden);
        for (int layer = 0; left >= perLayer + 2L * hidden; layer++) {
            String p = "model.layers." + layer + ".";
            left = add(out, p + "input_layernorm.weight", new long[] {hidden}, left);
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                left = add(out, p + "self_attn." + proj + ".weight", new long[] {hidden, hidden}, left);
            }
            left = add(out, p + "post_attention_layernorm.weight", new long[] {hidden}, left);
            left = add(out, p + "mlp.gate_proj.weight", new long[] {ffn, hidden}, left);
            left = add(out, p + "mlp.up_proj.weight", new long[] {ffn, hidden}, left);
            left = add(out, p + "mlp.down_proj.weight", new long[] {hidden, ffn}, left);
        }
        if (left >= 2L * hidden) {
            left = add(out, "model.norm.weight", new long[] {hidden}, left);
        }
        long rows = left / (2L * hidden);
        if (rows > 0) {
            left = add(out, "lm_head.weight", new long[] {rows, hidden}, left);
        }
        if (left > 0) {
            out.add(new Object[] {"aiwatch.filler", "U8", new long[] {left}, left});
        }
        return out;
    }

    private static long add(List<Object[]> out, String name, long[] shape, long left) {
        long n = 2;
        for (long d : shape) {
            n *= d;
        }
        out.add(new Object[] {name, "BF16", shape, n});
        return left - n;
    }

    private static String json(List<Object[]> tensors) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("__metadata__", Map.of("format", "pt", "generator", "aiwatch bench load"));
        long offset = 0;
        for (Object[] t : tensors) {
            long size = (long) t[3];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", t[1]);
            m.put("shape", t[2]);
            m.put("data_offsets", new long[] {offset, offset + size});
            root.put((String) t[0], m);
            offset += size;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
