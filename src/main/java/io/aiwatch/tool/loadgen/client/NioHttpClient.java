package io.aiwatch.tool.loadgen.client;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.openai.ResponseDecoder;
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
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A minimal HTTP/1.1 client for plain-http load generation: one selector thread, keep-alive
 * connections reused from an idle pool, request bytes prepared on the caller's thread, responses
 * decoded by the proxy's {@link ResponseDecoder} (Content-Length, chunked or until close) and
 * handed to {@link ResponseTracker} with one timestamp per read. It exists because the JDK client's per-request overhead
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
        this(host, port, path, apiKey, java.util.Map.of());
    }

    /** @param headers extra header lines sent with every request ({@code --header}) */
    NioHttpClient(String host, int port, String path, String apiKey, java.util.Map<String, String> headers) {
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
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
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
        byte[] req = prepare(body, extraHeader);
        tasks.add(() -> start(req, tracker));
        selector.wakeup();
    }

    /** The request bytes of one POST (also run by the warm-up, which sends nothing). */
    byte[] prepare(byte[] body, String extraHeader) {
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
        return req;
    }

    /**
     * Opens up to {@code n} connections and parks them in the idle pool, so the first requests of a
     * run find a connection ready instead of paying for the TCP handshake; sends nothing. Waits at
     * most {@code timeoutMillis}; returns how many connected.
     */
    int preconnect(int n, long timeoutMillis) throws InterruptedException {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(n);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        tasks.add(() -> {
            for (int i = 0; i < n; i++) {
                Conn c = null;
                try {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c = new Conn(ch);
                    c.onConnected = () -> {
                        ok.incrementAndGet();
                        latch.countDown();
                    };
                    c.onConnectFailed = latch::countDown;
                    if (ch.connect(address)) {
                        c.key = ch.register(selector, SelectionKey.OP_READ, c);
                        c.parked();
                    } else {
                        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                    }
                } catch (IOException e) {
                    if (c != null) {
                        c.close();
                    }
                    latch.countDown();
                }
            }
        });
        selector.wakeup();
        latch.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        return ok.get();
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

    /** One connection and the decoder of its current response. */
    private final class Conn implements ResponseDecoder.Sink {
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer out;
        ResponseTracker tracker;
        ResponseDecoder decoder;
        /** When the bytes being decoded were read (nanoTime). */
        long readNanos;

        boolean closed;
        /** Pre-connected without a request ({@link #preconnect}): told when the handshake ends. */
        Runnable onConnected;

        Runnable onConnectFailed;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void begin(byte[] req, ResponseTracker t) {
            tracker = t;
            out = ByteBuffer.wrap(req);
            decoder = new ResponseDecoder(false);
            t.onCancel(() -> tasks.add(() -> {
                if (tracker == t) {
                    close();
                }
            }));
        }

        /** A pre-connected connection without a request joins the idle pool. */
        void parked() {
            idle.addLast(this);
            Runnable r = onConnected;
            onConnected = null;
            onConnectFailed = null;
            if (r != null) {
                r.run();
            }
        }

        void finishConnect() {
            try {
                ch.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                if (tracker == null) {
                    parked();
                    return;
                }
                write();
            } catch (IOException e) {
                ResponseTracker t = tracker;
                Runnable failed = onConnectFailed;
                onConnectFailed = null;
                if (failed != null) {
                    failed.run();
                }
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
                readNanos = System.nanoTime();
                if (n < 0) {
                    if (tracker == null) {
                        close(); // an idle connection the server closed
                        return;
                    }
                    try {
                        decoder.endOfInput(); // completes a body that runs until the close
                        complete(false);
                    } catch (IOException e) {
                        failAndClose(new IOException(
                                decoder.anyByte() ? "connection closed mid-response" : "connection closed"));
                    }
                    return;
                }
                if (tracker == null) {
                    close(); // bytes on an idle connection: protocol error
                    return;
                }
                int used;
                try {
                    used = decoder.feed(readBuf.array(), 0, n, this);
                } catch (IOException | RuntimeException e) {
                    failAndClose(new IOException("malformed HTTP response: " + e.getMessage()));
                    return;
                }
                if (decoder.done()) {
                    // bytes after the end of the response would be read as the next one's: not reused then
                    complete(decoder.reusable() && used == n);
                    return;
                }
                if (closed || n < readBuf.capacity()) {
                    return;
                }
            }
        }

        @Override
        public void head(int status, List<String[]> headers) {
            tracker.status(status);
        }

        @Override
        public void content(byte[] b, int off, int len) {
            tracker.bytes(b, off, len, readNanos);
        }

        private void complete(boolean reusable) {
            ResponseTracker t = tracker;
            tracker = null;
            decoder = null;
            if (reusable && running) {
                idle.addFirst(this);
            } else {
                close();
            }
            t.end(readNanos);
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
