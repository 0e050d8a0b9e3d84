package io.aiwatch.tool.openai;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one HTTP/1.1 response incrementally, from whatever bytes the socket gave: the status
 * line and headers, then the body by its framing (Content-Length, chunked, or until the
 * connection closes), handing body bytes on as they come without waiting for a whole chunk.
 * Informational (1xx) responses are skipped; HEAD, 204 and 304 responses have no body. Used by the
 * proxy's forward loop and blocking upstream client and by the load generator's NIO client; chunk
 * lines (two per streamed token) are parsed without allocating. Not thread-safe: one per exchange,
 * fed by one thread at a time.
 */
public final class ResponseDecoder {
    /** Largest response head accepted, bytes. */
    public static final int MAX_HEAD = 64 * 1024;
    /** Longest chunk-size or trailer line accepted, bytes. */
    private static final int MAX_CHUNK_LINE = 4096;

    /** Receives what the decoder found, on the feeding thread. */
    public interface Sink {
        /** The head: status and headers in order (names as sent). */
        void head(int status, List<String[]> headers) throws IOException;

        /** Body bytes {@code b[off..off+len)}; valid only during the call. */
        void content(byte[] b, int off, int len) throws IOException;
    }

    private enum State {
        HEAD,
        LENGTH,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_DATA_END,
        TRAILERS,
        UNTIL_CLOSE,
        DONE
    }

    private final boolean headRequest;
    private byte[] line = new byte[256];
    private int lineLen;
    private final List<String> headLines = new ArrayList<>();
    private int headBytes;
    private State state = State.HEAD;
    private long remaining;
    private boolean keepAlive;
    private boolean anyByte;
    private int status = -1;

    /** @param headRequest whether the request was HEAD (the response then has no body) */
    public ResponseDecoder(boolean headRequest) {
        this.headRequest = headRequest;
    }

    /** True once any byte of the response arrived (a connection that closes before is stale, not failed). */
    public boolean anyByte() {
        return anyByte;
    }

    /** True once the head was decoded. */
    public boolean headDone() {
        return status >= 0 && state != State.HEAD;
    }

    /** True when the whole response was read. */
    public boolean done() {
        return state == State.DONE;
    }

    /** True when the response is complete and the connection may carry another request. */
    public boolean reusable() {
        return state == State.DONE && keepAlive;
    }

    /**
     * Consumes {@code b[off..off+len)}; returns the bytes used, which is less than {@code len} only
     * when the response ended before them (bytes the server should not have sent).
     */
    public int feed(byte[] b, int off, int len, Sink sink) throws IOException {
        if (len > 0) {
            anyByte = true;
        }
        int i = off;
        int end = off + len;
        while (i < end && state != State.DONE) {
            switch (state) {
                case HEAD, CHUNK_SIZE, CHUNK_DATA_END, TRAILERS -> {
                    int nl = i;
                    while (nl < end && b[nl] != '\n') {
                        nl++;
                    }
                    int take = nl - i;
                    if (lineLen + take > (state == State.HEAD ? MAX_HEAD : MAX_CHUNK_LINE)) {
                        throw new IOException(
                                state == State.HEAD
                                        ? "upstream response head over " + MAX_HEAD + " bytes"
                                        : "upstream chunk line too long");
                    }
                    if (lineLen + take > line.length) {
                        line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + take));
                    }
                    System.arraycopy(b, i, line, lineLen, take);
                    lineLen += take;
                    i = nl;
                    if (nl < end) { // a whole line
                        i++;
                        int n = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
                        lineLen = 0;
                        if (state == State.HEAD) {
                            onHeadLine(new String(line, 0, n, StandardCharsets.ISO_8859_1), sink);
                        } else {
                            onChunkLine(n);
                        }
                    }
                }
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    sink.content(b, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.LENGTH ? State.DONE : State.CHUNK_DATA_END;
                    }
                }
                case UNTIL_CLOSE -> {
                    sink.content(b, i, end - i);
                    i = end;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return i - off;
    }

    /** The connection closed: completes a body that runs until close, else reports what was cut short. */
    public void endOfInput() throws IOException {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
            keepAlive = false;
        } else if (state != State.DONE) {
            throw new EOFException(
                    state == State.HEAD
                            ? "upstream closed the connection in the headers"
                            : "upstream closed the connection before the end of the body");
        }
    }

    private void onHeadLine(String l, Sink sink) throws IOException {
        headBytes += l.length() + 2;
        if (headBytes > MAX_HEAD) {
            throw new IOException("upstream response head over " + MAX_HEAD + " bytes");
        }
        if (!l.isEmpty()) {
            headLines.add(l);
        } else if (!headLines.isEmpty()) {
            endOfHead(sink);
        }
    }

    /** A chunk-size, chunk-end or trailer line of {@code n} bytes in {@link #line}. */
    private void onChunkLine(int n) throws IOException {
        switch (state) {
            case CHUNK_SIZE -> {
                remaining = chunkSize(n);
                state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
            }
            case CHUNK_DATA_END -> {
                if (n != 0) {
                    throw new IOException("upstream chunk not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (n == 0) {
                    state = State.DONE; // trailers are dropped
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    /** The hex size before any {@code ;extension}, blanks around it allowed. */
    private long chunkSize(int n) throws IOException {
        int i = 0;
        while (i < n && isBlank(line[i])) {
            i++;
        }
        long size = 0;
        int digits = 0;
        while (i < n) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                throw new IOException("bad upstream chunk size line");
            }
            size = size * 16 + d;
            i++;
        }
        while (i < n && isBlank(line[i])) {
            i++;
        }
        if (digits == 0 || (i < n && line[i] != ';')) {
            throw new IOException("bad upstream chunk size line");
        }
        return size;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    private void endOfHead(Sink sink) throws IOException {
        ResponseHead head = new ResponseHead(headLines.get(0));
        for (int k = 1; k < headLines.size(); k++) {
            head.header(headLines.get(k));
        }
        int code = head.status;
        List<String[]> headers = head.headers;
        long length = head.length;
        boolean chunked = head.chunked;
        boolean alive = head.keepAlive;
        headLines.clear();
        headBytes = 0;
        if (code >= 100 && code < 200 && code != 101) {
            return; // informational: the real response follows
        }
        status = code;
        boolean noBody = headRequest || code == 204 || code == 304 || code == 101;
        if (noBody) {
            state = State.DONE;
            keepAlive = alive && code != 101;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
            keepAlive = alive;
        } else if (length >= 0) {
            remaining = length;
            state = length == 0 ? State.DONE : State.LENGTH;
            keepAlive = alive;
        } else {
            state = State.UNTIL_CLOSE;
            keepAlive = false;
        }
        sink.head(code, headers);
    }

    /** The status, or -1 before the head. */
    public int status() {
        return status;
    }
}
