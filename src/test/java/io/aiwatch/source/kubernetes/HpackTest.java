package io.aiwatch.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HPACK decoder against RFC 7541's own examples (Appendix C). */
class HpackTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void decodesTheRfcRequestExamplesWithHuffmanAndTheDynamicTable() throws IOException {
        Hpack h = new Hpack(); // C.4: three requests on one connection
        assertThat(h.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")))
                .containsExactly(
                        Map.entry(":method", "GET"),
                        Map.entry(":scheme", "http"),
                        Map.entry(":path", "/"),
                        Map.entry(":authority", "www.example.com"));
        assertThat(h.decode(hex("8286 84be 5886 a8eb 1064 9cbf")))
                .containsEntry(":authority", "www.example.com")
                .containsEntry("cache-control", "no-cache");
        assertThat(h.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")))
                .containsExactly(
                        Map.entry(":method", "GET"),
                        Map.entry(":scheme", "https"),
                        Map.entry(":path", "/index.html"),
                        Map.entry(":authority", "www.example.com"),
                        Map.entry("custom-key", "custom-value"));
    }

    @Test
    void decodesTheRfcResponseExamplesWithEviction() throws IOException {
        Hpack h = new Hpack(); // C.6 uses a 256-byte table: set it with a size update first
        byte[] update = {0x3F, (byte) 0xE1, 0x01}; // size update to 256 (5-bit prefix: 31 + 225)
        h.decode(update);
        h.decode(hex("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                + " 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"));
        Map<String, String> second = h.decode(hex("4883 640e ffc1 c0bf"));
        assertThat(second)
                .containsEntry(":status", "307")
                .containsEntry("cache-control", "private")
                .containsEntry("date", "Mon, 21 Oct 2013 20:13:21 GMT")
                .containsEntry("location", "https://www.example.com");
    }

    @Test
    void everyByteRoundTripsThroughTheCanonicalCode() throws IOException {
        // each byte's code, padded with ones to whole bytes, decodes back: the code is prefix-free and complete
        for (int sym = 0; sym < 256; sym++) {
            int bits = Hpack.length(sym);
            int pad = (8 - bits % 8) % 8;
            long padded = Hpack.code(sym) << pad | ((1L << pad) - 1);
            int bytes = (bits + 7) / 8;
            byte[] out = new byte[bytes];
            for (int i = 0; i < bytes; i++) {
                out[i] = (byte) (padded >>> (8 * (bytes - 1 - i)));
            }
            assertThat(Hpack.huffman(out, 0, bytes)).as("symbol %d", sym).isEqualTo(String.valueOf((char) sym));
        }
        assertThat(Hpack.code('a')).isEqualTo(0x3); // RFC 7541 Appendix B spot checks
        assertThat(Hpack.code(0)).isEqualTo(0x1ff8);
        assertThat(Hpack.code(255)).isEqualTo(0x3ffffee);
    }

    @Test
    void rejectsBadPaddingAndOutOfRangeIndexes() {
        assertThatThrownBy(() -> Hpack.huffman(hex("f1e3 c2e5 f23a 6ba0 ab90 f400"), 0, 12))
                .hasMessageContaining("padding");
        assertThatThrownBy(() -> new Hpack().decode(hex("be"))).hasMessageContaining("index 62 out of range");
    }

    @Test
    void encodedRequestHeadersDecodeToTheSame() throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":method", "POST");
        h.put(":path", "/v1.PodResourcesLister/List");
        h.put("x-long", "v".repeat(300));
        assertThat(new Hpack().decode(Hpack.encode(h))).isEqualTo(h);
    }
}
