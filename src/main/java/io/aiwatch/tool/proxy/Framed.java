package io.aiwatch.tool.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream response body: a fixed length, HTTP/1.1 chunked (decoded), or until the connection
 * closes ({@code Long.MAX_VALUE}). A read returns what is available within the current chunk
 * without waiting for more, so pieces pass through as the upstream sent them.
 */
final class Framed extends InputStream {
    private final InputStream in;
    private final boolean chunked;
    private long remaining;
    private boolean finished;

    Framed(InputStream in, long length, boolean chunked) {
        this.in = in;
        this.chunked = chunked;
        this.remaining = chunked ? 0 : length;
        this.finished = !chunked && length == 0;
    }

    /** True once the body was read to its end (the connection may be reused). */
    boolean finished() {
        return finished;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (finished) {
            return -1;
        }
        if (chunked && remaining == 0) {
            String size = UpstreamClient.line(in);
            if (size == null) {
                throw new EOFException("upstream closed the connection inside a chunked body");
            }
            if (size.isEmpty()) { // CRLF after the previous chunk's data
                size = UpstreamClient.line(in);
                if (size == null) {
                    throw new EOFException("upstream closed the connection inside a chunked body");
                }
            }
            int semi = size.indexOf(';');
            remaining = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            if (remaining == 0) {
                String trailer;
                while ((trailer = UpstreamClient.line(in)) != null && !trailer.isEmpty()) {
                    // trailers are dropped
                }
                finished = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            if (remaining == Long.MAX_VALUE) {
                finished = true;
                return -1;
            }
            throw new EOFException("upstream closed the connection before the end of the body");
        }
        if (remaining != Long.MAX_VALUE) {
            remaining -= n;
            if (!chunked && remaining == 0) {
                finished = true;
            }
        }
        return n;
    }
}
