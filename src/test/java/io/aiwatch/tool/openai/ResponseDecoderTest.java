package io.aiwatch.tool.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResponseDecoderTest {
    /** What a decoder reported. */
    static final class Seen implements ResponseDecoder.Sink {
        int status = -1;
        List<String[]> headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int contentCalls;

        @Override
        public void head(int s, List<String[]> h) {
            status = s;
            headers = h;
        }

        @Override
        public void content(byte[] b, int off, int len) {
            body.write(b, off, len);
            contentCalls++;
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /** Feeds {@code wire} in random pieces (seeded); returns what was seen and the bytes left over. */
    static Seen decode(String wire, boolean headRequest, long seed, boolean closeAtEnd) throws IOException {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        Random r = new Random(seed);
        ResponseDecoder d = new ResponseDecoder(headRequest);
        Seen seen = new Seen();
        int i = 0;
        while (i < b.length && !d.done()) {
            int n = Math.min(b.length - i, 1 + r.nextInt(seed % 3 == 0 ? 3 : 40));
            i += d.feed(b, i, n, seen);
        }
        if (closeAtEnd) {
            d.endOfInput();
        }
        assertThat(d.done()).as("done").isTrue();
        return seen;
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersDecodesTheSameForAnySplit() throws IOException {
        String wire = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "8;ext=1\r\ndata: a\n\r\n" + "A\r\ndata: bcd\n\r\n" + "0\r\nX-Trailer: t\r\n\r\n";
        for (long seed = 0; seed < 300; seed++) {
            Seen s = decode(wire, false, seed, false);
            assertThat(s.status).isEqualTo(200);
            assertThat(s.text()).isEqualTo("data: a\ndata: bcd\n");
            assertThat(s.headers).extracting(h -> h[0]).containsExactly("Content-Type", "Transfer-Encoding");
        }
    }

    @Test
    void contentLengthUntilCloseNoBodyAndInformationalResponses() throws IOException {
        Seen fixed = decode("HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello", false, 1, false);
        assertThat(fixed.status).isEqualTo(201);
        assertThat(fixed.text()).isEqualTo("hello");

        Seen untilClose = decode("HTTP/1.0 200 OK\r\n\r\nall of it", false, 2, true);
        assertThat(untilClose.text()).isEqualTo("all of it");

        Seen noContent = decode("HTTP/1.1 204 No Content\r\n\r\n", false, 3, false);
        assertThat(noContent.status).isEqualTo(204);
        assertThat(noContent.contentCalls).isZero();

        Seen head = decode("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", true, 4, false);
        assertThat(head.contentCalls).isZero();

        Seen afterContinue =
                decode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, 5, false);
        assertThat(afterContinue.status).isEqualTo(200);
        assertThat(afterContinue.text()).isEqualTo("ok");
    }

    @Test
    void keepAliveFollowsTheVersionAndConnectionHeader() throws IOException {
        ResponseDecoder d = new ResponseDecoder(false);
        byte[] b = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx".getBytes(StandardCharsets.ISO_8859_1);
        d.feed(b, 0, b.length, new Seen());
        assertThat(d.reusable()).isTrue();

        ResponseDecoder close = new ResponseDecoder(false);
        b = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx".getBytes(StandardCharsets.ISO_8859_1);
        close.feed(b, 0, b.length, new Seen());
        assertThat(close.done()).isTrue();
        assertThat(close.reusable()).isFalse();

        ResponseDecoder old = new ResponseDecoder(false);
        b = "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx".getBytes(StandardCharsets.ISO_8859_1);
        old.feed(b, 0, b.length, new Seen());
        assertThat(old.reusable()).isFalse();
    }

    @Test
    void bytesAfterTheResponseAreLeftUnconsumed() throws IOException {
        ResponseDecoder d = new ResponseDecoder(false);
        byte[] b = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(d.feed(b, 0, b.length, new Seen())).isEqualTo(b.length - 5);
    }

    @Test
    void malformedOrTruncatedResponsesAreErrors() {
        List<String> bad = new ArrayList<>(List.of(
                "SMTP 220 hello\r\n\r\n",
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\n"));
        for (String wire : bad) {
            byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> new ResponseDecoder(false).feed(b, 0, b.length, new Seen()))
                    .as(wire)
                    .isInstanceOf(IOException.class);
        }
        byte[] huge = ("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(ResponseDecoder.MAX_HEAD) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> new ResponseDecoder(false).feed(huge, 0, huge.length, new Seen()))
                .hasMessageContaining("head over");

        ResponseDecoder cut = new ResponseDecoder(false);
        byte[] b = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> {
                    cut.feed(b, 0, b.length, new Seen());
                    cut.endOfInput();
                })
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("before the end of the body");
        ResponseDecoder none = new ResponseDecoder(false);
        assertThat(none.anyByte()).isFalse();
        assertThatThrownBy(none::endOfInput).hasMessageContaining("in the headers");
    }
}
