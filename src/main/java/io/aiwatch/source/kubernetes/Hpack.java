package io.aiwatch.source.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HPACK (RFC 7541) as the one gRPC call of {@link PodResourcesClient} needs it: a complete decoder
 * (static and dynamic table, Huffman strings) for the kubelet's response headers and trailers,
 * and literal-only encoding for the request (always valid HPACK; no table, no Huffman).
 *
 * <p>Not thread-safe: one decoder per connection, used by the thread that reads it.
 */
final class Hpack {

    /** RFC 7541 Appendix A, entries 1–61. */
    private static final String[][] STATIC = {
        {":authority", ""},
        {":method", "GET"},
        {":method", "POST"},
        {":path", "/"},
        {":path", "/index.html"},
        {":scheme", "http"},
        {":scheme", "https"},
        {":status", "200"},
        {":status", "204"},
        {":status", "206"},
        {":status", "304"},
        {":status", "400"},
        {":status", "404"},
        {":status", "500"},
        {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"},
        {"accept-language", ""},
        {"accept-ranges", ""},
        {"accept", ""},
        {"access-control-allow-origin", ""},
        {"age", ""},
        {"allow", ""},
        {"authorization", ""},
        {"cache-control", ""},
        {"content-disposition", ""},
        {"content-encoding", ""},
        {"content-language", ""},
        {"content-length", ""},
        {"content-location", ""},
        {"content-range", ""},
        {"content-type", ""},
        {"cookie", ""},
        {"date", ""},
        {"etag", ""},
        {"expect", ""},
        {"expires", ""},
        {"from", ""},
        {"host", ""},
        {"if-match", ""},
        {"if-modified-since", ""},
        {"if-none-match", ""},
        {"if-range", ""},
        {"if-unmodified-since", ""},
        {"last-modified", ""},
        {"link", ""},
        {"location", ""},
        {"max-forwards", ""},
        {"proxy-authenticate", ""},
        {"proxy-authorization", ""},
        {"range", ""},
        {"referer", ""},
        {"refresh", ""},
        {"retry-after", ""},
        {"server", ""},
        {"set-cookie", ""},
        {"strict-transport-security", ""},
        {"transfer-encoding", ""},
        {"user-agent", ""},
        {"vary", ""},
        {"via", ""},
        {"www-authenticate", ""}
    };

    /**
     * Code lengths in bits of the HPACK Huffman code for bytes 0–255 (RFC 7541 Appendix B); EOS
     * (256) is 30 ones. The code is canonical: codes rise with length, and with the symbol within
     * one length, so the lengths define it.
     */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15,
        6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22,
        20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23,
        23, 24, 22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22,
        22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26,
        27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27,
        26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26
    };

    private static final int MAX_LENGTH = 30;
    /** First canonical code of each length, number of codes of that length, and where they start in SORTED. */
    private static final int[] FIRST_CODE = new int[MAX_LENGTH + 1];

    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] OFFSET = new int[MAX_LENGTH + 1];
    private static final int[] SORTED = new int[257];

    static {
        int n = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            OFFSET[len] = n;
            for (int sym = 0; sym <= 256; sym++) {
                if (length(sym) == len) {
                    SORTED[n++] = sym;
                    COUNT[len]++;
                }
            }
        }
        int code = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            FIRST_CODE[len] = code;
            code = (code + COUNT[len]) << 1;
        }
    }

    /** Code length in bits of a byte (0–255) or EOS (256). */
    static int length(int sym) {
        return sym == 256 ? 30 : LENGTHS[sym];
    }

    /** The canonical code of a byte, for tests: value in the low {@code length} bits. */
    static long code(int sym) {
        int len = length(sym);
        for (int i = OFFSET[len]; i < OFFSET[len] + COUNT[len]; i++) {
            if (SORTED[i] == sym) {
                return FIRST_CODE[len] + (i - OFFSET[len]);
            }
        }
        throw new IllegalArgumentException("no symbol " + sym);
    }

    private final Deque<String[]> dynamic = new ArrayDeque<>();
    private int dynamicSize;
    private int maxDynamicSize = 4096;

    /** Decodes one complete header block; names are lower-case per HTTP/2; a repeated name keeps the last value. */
    Map<String, String> decode(byte[] block) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int[] pos = {0};
        while (pos[0] < block.length) {
            int b = block[pos[0]] & 0xFF;
            if ((b & 0x80) != 0) { // indexed
                String[] e = entry(integer(block, pos, 7));
                headers.put(e[0], e[1]);
            } else if ((b & 0xC0) == 0x40) { // literal, incremental indexing
                String[] e = literal(block, pos, 6);
                add(e);
                headers.put(e[0], e[1]);
            } else if ((b & 0xE0) == 0x20) { // dynamic table size update
                int size = integer(block, pos, 5);
                if (size > 4096) {
                    throw new IOException("HPACK table size " + size + " above the 4096 we allow");
                }
                maxDynamicSize = size;
                evict();
            } else { // literal without indexing (0000) or never indexed (0001)
                String[] e = literal(block, pos, 4);
                headers.put(e[0], e[1]);
            }
        }
        return headers;
    }

    private String[] literal(byte[] block, int[] pos, int prefix) throws IOException {
        int index = integer(block, pos, prefix);
        String name = index == 0 ? string(block, pos) : entry(index)[0];
        return new String[] {name, string(block, pos)};
    }

    private String[] entry(int index) throws IOException {
        if (index >= 1 && index <= STATIC.length) {
            return STATIC[index - 1];
        }
        int d = index - STATIC.length - 1;
        if (index < 1 || d >= dynamic.size()) {
            throw new IOException("HPACK index " + index + " out of range");
        }
        int i = 0;
        for (String[] e : dynamic) {
            if (i++ == d) {
                return e;
            }
        }
        throw new IllegalStateException();
    }

    private void add(String[] e) {
        dynamic.addFirst(e);
        dynamicSize += size(e);
        evict();
    }

    private void evict() {
        while (dynamicSize > maxDynamicSize && !dynamic.isEmpty()) {
            dynamicSize -= size(dynamic.removeLast());
        }
    }

    private static int size(String[] e) {
        return e[0].length() + e[1].length() + 32;
    }

    static int integer(byte[] block, int[] pos, int prefix) throws IOException {
        int mask = (1 << prefix) - 1;
        int value = block[pos[0]++] & mask;
        if (value < mask) {
            return value;
        }
        int shift = 0;
        while (true) {
            if (pos[0] >= block.length || shift > 21) {
                throw new IOException("HPACK integer truncated or too large");
            }
            int b = block[pos[0]++] & 0xFF;
            value += (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    private static String string(byte[] block, int[] pos) throws IOException {
        if (pos[0] >= block.length) {
            throw new IOException("HPACK string truncated");
        }
        boolean huffman = (block[pos[0]] & 0x80) != 0;
        int len = integer(block, pos, 7);
        if (len > block.length - pos[0]) {
            throw new IOException("HPACK string of " + len + " bytes runs past the block");
        }
        int from = pos[0];
        pos[0] += len;
        return huffman ? huffman(block, from, len) : new String(block, from, len, StandardCharsets.ISO_8859_1);
    }

    /** Decodes a Huffman-coded string; the padding must be at most 7 bits, all ones (an EOS prefix). */
    static String huffman(byte[] data, int from, int len) throws IOException {
        StringBuilder out = new StringBuilder(len * 8 / 5);
        int code = 0;
        int bits = 0;
        for (int i = from; i < from + len; i++) {
            int b = data[i] & 0xFF;
            for (int bit = 7; bit >= 0; bit--) {
                code = (code << 1) | ((b >> bit) & 1);
                bits++;
                if (bits > MAX_LENGTH) {
                    throw new IOException("invalid Huffman code");
                }
                int k = code - FIRST_CODE[bits];
                if (COUNT[bits] > 0 && k >= 0 && k < COUNT[bits]) {
                    int sym = SORTED[OFFSET[bits] + k];
                    if (sym == 256) {
                        throw new IOException("EOS inside a Huffman string");
                    }
                    out.append((char) sym);
                    code = 0;
                    bits = 0;
                }
            }
        }
        if (bits > 7 || code != (1 << bits) - 1) {
            throw new IOException("invalid Huffman padding");
        }
        return out.toString();
    }

    /** A header as a literal without indexing and with a literal name: valid for any decoder. */
    static void literal(List<Byte> out, String name, String value) {
        out.add((byte) 0x00);
        plain(out, name);
        plain(out, value);
    }

    private static void plain(List<Byte> out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        int n = bytes.length;
        if (n < 127) {
            out.add((byte) n);
        } else {
            out.add((byte) 127);
            n -= 127;
            while (n >= 128) {
                out.add((byte) ((n & 0x7F) | 0x80));
                n >>>= 7;
            }
            out.add((byte) n);
        }
        for (byte b : bytes) {
            out.add(b);
        }
    }

    /** Encodes request headers, in order, as literals. */
    static byte[] encode(Map<String, String> headers) {
        List<Byte> out = new ArrayList<>();
        headers.forEach((k, v) -> literal(out, k, v));
        byte[] b = new byte[out.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = out.get(i);
        }
        return b;
    }
}
