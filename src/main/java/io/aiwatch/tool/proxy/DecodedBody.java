package io.aiwatch.tool.proxy;

import io.aiwatch.tool.openai.ResponseDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * An upstream response read from a blocking socket stream through the same {@link ResponseDecoder}
 * the forward loop uses: {@link #readHead} reads until the status and headers are known, then the
 * stream gives the decoded body. A read returns what one socket read decoded to, without waiting
 * for more, so pieces pass through as the upstream sent them. One per exchange, one thread.
 */
final class DecodedBody extends InputStream implements ResponseDecoder.Sink {
    private final InputStream in;
    private final ResponseDecoder decoder;
    private final byte[] raw = new byte[16 * 1024];
    private byte[] pending = new byte[16 * 1024];
    private int pendingFrom;
    private int pendingTo;
    private int status = -1;
    private List<String[]> headers = List.of();
    /** The upstream sent bytes after the response: the connection cannot carry another one. */
    private boolean extra;

    DecodedBody(InputStream in, boolean headRequest) {
        this.in = in;
        this.decoder = new ResponseDecoder(headRequest);
    }

    /** Reads until the head is decoded; an end of stream before is an {@link java.io.EOFException}. */
    void readHead() throws IOException {
        while (!decoder.headDone()) {
            if (!fill()) {
                decoder.endOfInput(); // throws: the head is incomplete
            }
        }
    }

    /** True once any response byte was read (a connection that closes before is stale, not failed). */
    boolean anyByte() {
        return decoder.anyByte();
    }

    int status() {
        return status;
    }

    List<String[]> headers() {
        return headers;
    }

    /** True once the body was read to its end. */
    boolean finished() {
        return decoder.done() && pendingFrom == pendingTo;
    }

    /** True when the body was read to its end and the connection may carry another request. */
    boolean reusable() {
        return finished() && decoder.reusable() && !extra;
    }

    /** One socket read through the decoder; false at the end of the stream. */
    private boolean fill() throws IOException {
        int n = in.read(raw, 0, raw.length);
        if (n < 0) {
            return false;
        }
        if (decoder.feed(raw, 0, n, this) < n) {
            extra = true;
        }
        return true;
    }

    @Override
    public void head(int code, List<String[]> h) {
        status = code;
        headers = h;
    }

    @Override
    public void content(byte[] b, int off, int len) {
        if (pendingFrom == pendingTo) {
            pendingFrom = 0;
            pendingTo = 0;
        }
        if (pendingTo + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingTo + len));
        }
        System.arraycopy(b, off, pending, pendingTo, len);
        pendingTo += len;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pendingFrom == pendingTo) {
            if (decoder.done()) {
                return -1;
            }
            if (!fill()) {
                decoder.endOfInput(); // completes a body that runs until close, else throws
            }
        }
        int n = Math.min(len, pendingTo - pendingFrom);
        System.arraycopy(pending, pendingFrom, b, off, n);
        pendingFrom += n;
        return n;
    }
}
