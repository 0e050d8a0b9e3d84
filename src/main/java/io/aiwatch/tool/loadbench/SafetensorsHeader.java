package io.aiwatch.tool.loadbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file (huggingface/safetensors): an unsigned little-endian 64-bit
 * header length N, N bytes of UTF-8 JSON mapping tensor names to {@code dtype}, {@code shape} and
 * {@code data_offsets} (begin, end; relative to the first byte after the header), plus an optional
 * {@code __metadata__} map of strings. The byte buffer after the header must be covered by the
 * tensors without holes or overlaps, as the format requires; anything else is rejected, since a
 * loader benchmark that skips bytes would overstate its throughput.
 *
 * @param headerBytes N, the JSON length in bytes
 * @param fileBytes   size of the whole file
 * @param tensors     tensors sorted by their offset in the file
 * @param metadata    the {@code __metadata__} entries, empty when absent
 */
public record SafetensorsHeader(long headerBytes, long fileBytes, List<Tensor> tensors, Map<String, String> metadata) {
    /** The reference implementation refuses headers above 100 MB; so does this parser. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    public SafetensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = Map.copyOf(metadata);
    }

    /**
     * One tensor with absolute file offsets.
     *
     * @param name  tensor name
     * @param dtype safetensors dtype ({@code BF16}, {@code F32}, {@code U8}, ...)
     * @param shape dimensions
     * @param begin first byte in the file
     * @param end   one past the last byte in the file
     */
    public record Tensor(String name, String dtype, List<Long> shape, long begin, long end) {
        public Tensor {
            shape = List.copyOf(shape);
        }

        public long bytes() {
            return end - begin;
        }
    }

    /** Offset of the first tensor byte in the file: 8 + N. */
    public long dataStart() {
        return 8 + headerBytes;
    }

    /** Bytes of all tensors together (the file minus its header). */
    public long dataBytes() {
        return fileBytes - dataStart();
    }

    /** Reads and checks the header of {@code file}; reads only the header's bytes. */
    public static SafetensorsHeader read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw new IOException(file + ": not a safetensors file (header length " + Long.toUnsignedString(n)
                        + ", file " + size + " bytes)");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, 8);
            return parse(new String(json.array(), StandardCharsets.UTF_8), n, size, file.toString());
        }
    }

    /** Parses the JSON of a header of {@code headerBytes} in a file of {@code fileBytes}. */
    static SafetensorsHeader parse(String json, long headerBytes, long fileBytes, String what) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IOException(what + ": header is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(what + ": header is not a JSON object");
        }
        long dataStart = 8 + headerBytes;
        List<Tensor> tensors = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                metadata = metadata(e.getValue(), what);
                continue;
            }
            tensors.add(tensor(e.getKey(), e.getValue(), dataStart, what));
        }
        tensors.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        long expect = dataStart;
        for (Tensor t : tensors) {
            if (t.begin() != expect) {
                throw new IOException(
                        what + ": tensor " + t.name() + " starts at data offset " + (t.begin() - dataStart)
                                + ", expected " + (expect - dataStart) + " (holes and overlaps are not allowed)");
            }
            expect = t.end();
        }
        if (expect != fileBytes) {
            throw new IOException(
                    what + ": tensors end at file offset " + expect + " but the file has " + fileBytes + " bytes");
        }
        return new SafetensorsHeader(headerBytes, fileBytes, tensors, metadata);
    }

    private static Tensor tensor(String name, JsonNode node, long dataStart, String what) throws IOException {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null
                || !dtype.isTextual()
                || shape == null
                || !shape.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw new IOException(what + ": tensor " + name + " needs dtype, shape and data_offsets [begin, end]");
        }
        int elementBits = Dtype.bits(dtype.asText());
        if (elementBits <= 0) {
            throw new IOException(what + ": tensor " + name + ": unknown dtype " + dtype.asText());
        }
        List<Long> dims = new ArrayList<>();
        long elements = 1;
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(what + ": tensor " + name + ": bad dimension " + d);
            }
            dims.add(d.asLong());
            elements = Math.multiplyExact(elements, d.asLong());
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new IOException(what + ": tensor " + name + ": bad data_offsets " + offsets);
        }
        long bits = Math.multiplyExact(elements, (long) elementBits);
        if (bits % 8 != 0 || bits / 8 != end - begin) {
            throw new IOException(what + ": tensor " + name + ": " + dims + " of " + dtype.asText() + " is " + bits
                    + " bits but data_offsets span " + (end - begin) + " bytes");
        }
        return new Tensor(name, dtype.asText(), dims, dataStart + begin, dataStart + end);
    }

    private static Map<String, String> metadata(JsonNode node, String what) throws IOException {
        if (!node.isObject()) {
            throw new IOException(what + ": __metadata__ must be an object of strings");
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IOException(what + ": __metadata__." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    /** Element sizes of the safetensors dtypes, in bits (the sub-byte float types included). */
    static final class Dtype {
        private Dtype() {}

        static int bits(String dtype) {
            return switch (dtype) {
                case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0" -> 8;
                case "F4" -> 4;
                case "F6_E2M3", "F6_E3M2" -> 6;
                case "I16", "U16", "F16", "BF16" -> 16;
                case "I32", "U32", "F32" -> 32;
                case "I64", "U64", "F64", "C64" -> 64;
                default -> -1;
            };
        }
    }
}
