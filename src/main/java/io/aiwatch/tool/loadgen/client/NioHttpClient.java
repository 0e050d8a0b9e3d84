package io.aiwatch.tool.loadgen.client;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A minimal HTTP/1.1 client for plain-http load generation: one selector thread, keep-alive
 * connections reused from an idle pool, request bytes prepared on the caller's thread, responses
 * (Content-Length, chunked or until close) parsed in place and handed to {@link ResponseTracker}
 * with one timestamp per read. It exists because the JDK client's per-request overhead
 * (CompletableFuture chains, a thread hop per body chunk) capped a 2-core machine at about a third
 * of what hey reached against the same server. No TLS, no HTTP/2, no redirects, no retries.
 */
final class NioHttpClient implements AutoCloseable {
    private static final byte[] CRLF2 = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress address;
    private final byte[] headPrefix;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ByteBuffer readBuf = ByteBuffer.allocate(64 * 1024);
    private final Thread loop;
    private volatile boolean running = true;

    NioHttpClient(String host, int port, String path, String apiKey) {
        this.address = new InetSocketAddress(host, port);
        StringBuilder h = new StringBuilder();
        h.append("POST ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\nContent-Type: application/json\r\nAccept: */*\r\nUser-Agent: aiwatch-loadgen\r\n");
        if (apiKey != null && !apiKey.isEmpty()) {
            h.append("Authorization: Bearer ").append(apiKey).append("\r\n");
        }
        h.append("Content-Length: ");
        this.headPrefix = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new LoadgenException("cannot open a selector: " + e.getMessage());
        }
        this.loop = new Thread(this::run, "loadgen-io");
        this.loop.setDaemon(true);
        this.loop.start();
    }

    /** Queues one POST; the tracker hears about status, body bytes, end or error on the I/O thread. */
    void send(byte[] body, ResponseTracker tracker) {
        send(body, null, tracker);
    }

    /** As {@link #send(byte[], ResponseTracker)} with one more header line ({@code "Name: value"}, no CRLF), or null. */
    void send(byte[] body, String extraHeader, ResponseTracker tracker) {
        String lenText = Integer.toString(body.length);
        if (extraHeader != null) { // before Content-Length, which ends the prefix
            lenText = lenText + "\r\n" + extraHeader;
        }
        byte[] len = lenText.getBytes(StandardCharsets.ISO_8859_1);
        byte[] req = new byte[headPrefix.length + len.length + CRLF2.length + body.length];
        System.arraycopy(headPrefix, 0, req, 0, headPrefix.length);
        System.arraycopy(len, 0, req, headPrefix.length, len.length);
        System.arraycopy(CRLF2, 0, req, headPrefix.length + len.length, CRLF2.length);
        System.arraycopy(body, 0, req, headPrefix.length + len.length + CRLF2.length, body.length);
        tasks.add(() -> start(req, tracker));
        selector.wakeup();
    }

    private void run() {
        while (running) {
            try {
                selector.select(100);
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isConnectable()) {
                        c.finishConnect();
                    } else {
                        if (k.isValid() && k.isWritable()) {
                            c.write();
                        }
                        if (k.isValid() && k.isReadable()) {
                            c.read();
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                // a single bad connection must not stop the loop; it is failed in its own handler
            }
        }
    }

    private void start(byte[] req, ResponseTracker tracker) {
        if (tracker.isFinished()) {
            return;
        }
        Conn c = idle.pollFirst();
        if (c == null) {
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c = new Conn(ch);
                c.begin(req, tracker);
                if (ch.connect(address)) {
                    c.key = ch.register(selector, SelectionKey.OP_READ, c);
                    c.write();
                } else {
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                if (c != null) {
                    c.close();
                }
                tracker.fail(Outcome.CONNECT_ERROR, ResponseTracker.describe(e));
            }
            return;
        }
        c.begin(req, tracker);
        c.write();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(2000);
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
        } catch (IOException | InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection and the parser state of its current response. */
    private final class Conn {
        private static final int HEAD = 0;
        private static final int BODY_LENGTH = 1;
        private static final int CHUNK_SIZE = 2;
        private static final int CHUNK_DATA = 3;
        private static final int CHUNK_CRLF = 4;
        private static final int TRAILER = 5;
        private static final int UNTIL_CLOSE = 6;

        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer out;
        ResponseTracker tracker;
        int state;
        byte[] line = new byte[1024];
        int lineLen;
        long remaining;
        boolean keepAlive;
        boolean gotBytes;
        boolean closed;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void begin(byte[] req, ResponseTracker t) {
            tracker = t;
            out = ByteBuffer.wrap(req);
            state = HEAD;
            lineLen = 0;
            keepAlive = true;
            gotBytes = false;
            t.onCancel(() -> tasks.add(() -> {
                if (tracker == t) {
                    close();
                }
            }));
        }

        void finishConnect() {
            try {
                ch.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                write();
            } catch (IOException e) {
                ResponseTracker t = tracker;
                close();
                if (t != null) {
                    t.fail(
                            e instanceof ConnectException ? Outcome.CONNECT_ERROR : Outcome.IO_ERROR,
                            ResponseTracker.describe(e));
                }
            }
        }

        void write() {
            try {
                ch.write(out);
                key.interestOps(
                        out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            } catch (IOException e) {
                failAndClose(e);
            }
        }

        void read() {
            for (; ; ) {
                readBuf.clear();
                int n;
                try {
                    n = ch.read(readBuf);
                } catch (IOException e) {
                    failAndClose(e);
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    ResponseTracker t = tracker;
                    if (t != null && state == UNTIL_CLOSE) {
                        tracker = null;
                        close();
                        t.end(System.nanoTime());
                    } else {
                        failAndClose(
                                new IOException(gotBytes ? "connection closed mid-response" : "connection closed"));
                    }
                    return;
                }
                if (tracker == null) {
                    close(); // bytes on an idle connection: protocol error
                    return;
                }
                gotBytes = true;
                try {
                    parse(readBuf.array(), 0, n, System.nanoTime());
                } catch (RuntimeException e) {
                    failAndClose(new IOException("malformed HTTP response: " + e.getMessage()));
                    return;
                }
                if (closed || n < readBuf.capacity()) {
                    return;
                }
            }
        }

        private void parse(byte[] a, int off, int len, long now) {
            int i = off;
            int end = off + len;
            while (i < end && tracker != null) {
                switch (state) {
                    case HEAD, CHUNK_SIZE, CHUNK_CRLF, TRAILER -> {
                        byte c = a[i++];
                        if (c != '\n') {
                            if (c != '\r' && lineLen < line.length) {
                                line[lineLen++] = c;
                            }
                            continue;
                        }
                        if (state == CHUNK_SIZE || state == CHUNK_CRLF) {
                            onChunkLine();
                            continue;
                        }
                        String l = new String(line, 0, lineLen, StandardCharsets.ISO_8859_1);
                        lineLen = 0;
                        onLine(l, now);
                    }
                    case BODY_LENGTH, CHUNK_DATA -> {
                        int take = (int) Math.min(remaining, end - i);
                        tracker.bytes(a, i, take, now);
                        i += take;
                        remaining -= take;
                        if (remaining == 0) {
                            if (state == BODY_LENGTH) {
                                complete(now);
                            } else {
                                state = CHUNK_CRLF;
                            }
                        }
                    }
                    default -> {
                        tracker.bytes(a, i, end - i, now);
                        i = end;
                    }
                }
            }
        }

        /** Chunk-size and chunk-end lines, parsed without allocating (one per streamed chunk). */
        private void onChunkLine() {
            int n = lineLen;
            lineLen = 0;
            if (state == CHUNK_CRLF) {
                state = CHUNK_SIZE;
                return;
            }
            long size = 0;
            int digits = 0;
            for (int k = 0; k < n; k++) {
                int d = Character.digit(line[k], 16);
                if (d < 0) {
                    if (line[k] == ';' || line[k] == ' ') {
                        break;
                    }
                    throw new IllegalArgumentException("bad chunk size line");
                }
                size = size * 16 + d;
                digits++;
            }
            if (digits == 0) {
                throw new IllegalArgumentException("empty chunk size line");
            }
            if (size == 0) {
                state = TRAILER;
            } else {
                remaining = size;
                state = CHUNK_DATA;
            }
        }

        private long contentLength = -1;
        private boolean chunked;
        private int statusCode = -1;

        private void onLine(String l, long now) {
            switch (state) {
                case HEAD -> {
                    if (statusCode < 0) {
                        int sp = l.indexOf(' ');
                        statusCode = sp > 0 && l.length() >= sp + 4 ? Integer.parseInt(l.substring(sp + 1, sp + 4)) : 0;
                        keepAlive = !l.startsWith("HTTP/1.0");
                        contentLength = -1;
                        chunked = false;
                    } else if (!l.isEmpty()) {
                        int colon = l.indexOf(':');
                        if (colon > 0) {
                            String name = l.substring(0, colon).trim();
                            String value = l.substring(colon + 1).trim();
                            if (name.equalsIgnoreCase("content-length")) {
                                contentLength = Long.parseLong(value);
                            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                                chunked =
                                        value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                            } else if (name.equalsIgnoreCase("connection")) {
                                keepAlive = !value.equalsIgnoreCase("close");
                            }
                        }
                    } else {
                        int code = statusCode;
                        statusCode = -1;
                        if (code == 100) {
                            return;
                        }
                        tracker.status(code);
                        if (chunked) {
                            state = CHUNK_SIZE;
                        } else if (contentLength >= 0) {
                            remaining = contentLength;
                            state = BODY_LENGTH;
                            if (remaining == 0) {
                                complete(now);
                            }
                        } else if (code == 204 || code == 304) {
                            complete(now);
                        } else {
                            state = UNTIL_CLOSE;
                            keepAlive = false;
                        }
                    }
                }
                case TRAILER -> {
                    if (l.isEmpty()) {
                        complete(now);
                    }
                }
                default -> {}
            }
        }

        private void complete(long now) {
            ResponseTracker t = tracker;
            tracker = null;
            state = HEAD;
            if (keepAlive && running) {
                idle.addFirst(this);
            } else {
                close();
            }
            t.end(now);
        }

        private void failAndClose(IOException e) {
            ResponseTracker t = tracker;
            tracker = null;
            close();
            if (t != null) {
                t.error(e);
            }
        }

        void close() {
            closed = true;
            idle.remove(this);
            if (key != null) {
                key.cancel();
            }
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
