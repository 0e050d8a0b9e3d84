package io.aiwatch.inference.proxy;

import jakarta.servlet.AsyncContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's upstream for plain-HTTP servers: keep-alive connections, each owned by one
 * {@link ForwardLoop} for its life, that carry requests written by the proxy's request thread and
 * responses read by the loop. (An https upstream uses the blocking {@link UpstreamClient}.)
 */
final class NioUpstream implements AutoCloseable {
    private final InetSocketAddress address;
    private final int connectTimeoutMs;
    private final ForwardLoop[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** One upstream connection: non-blocking, registered with its loop (interest 0 while idle). */
    static final class Conn {
        final SocketChannel channel;
        final ForwardLoop loop;
        /** Set by the loop once registered; read only on the loop thread. */
        SelectionKey key;

        Conn(SocketChannel channel, ForwardLoop loop) {
            this.channel = channel;
            this.loop = loop;
        }

        void close() {
            try {
                channel.close(); // also cancels the key
            } catch (IOException ignored) {
                // nothing left to do with a broken connection
            }
        }
    }

    NioUpstream(URI base, int connectTimeoutMs, long timeoutNanos, int loops) throws IOException {
        this.address = new InetSocketAddress(base.getHost(), base.getPort() > 0 ? base.getPort() : 80);
        this.connectTimeoutMs = connectTimeoutMs;
        this.loops = new ForwardLoop[loops];
        for (int i = 0; i < loops; i++) {
            this.loops[i] = new ForwardLoop("aiwatch-proxy-forward-" + i, timeoutNanos);
        }
    }

    /** The host header value for requests. */
    String hostHeader(URI base) {
        return base.getPort() > 0 ? base.getHost() + ":" + base.getPort() : base.getHost();
    }

    /**
     * Starts one exchange: writes the request on a pooled connection (retrying once on a fresh one
     * when the pooled one turns out closed) and hands the response to the connection's loop.
     * Runs on the proxy's request thread; returns at once.
     */
    void start(AsyncExchange ex) {
        Conn pooled = idle.pollFirst();
        if (pooled != null && write(pooled, ex.request())) {
            ex.sent(pooled, true);
            return;
        }
        if (pooled != null) {
            pooled.close();
        }
        startFresh(ex);
    }

    /** Opens a new connection for {@code ex} (blocking connect, on a request thread) and sends. */
    void startFresh(AsyncExchange ex) {
        Conn c;
        try {
            c = open();
        } catch (IOException e) {
            ex.failBeforeHead(502, "connect", "upstream connection failed: " + e.getClass().getSimpleName());
            return;
        }
        if (!write(c, ex.request())) {
            c.close();
            ex.failBeforeHead(502, "io", "upstream request failed while sending");
            return;
        }
        ex.sent(c, false);
    }

    /** Writes the request; a remainder the socket did not take is left in the buffer for the loop. */
    private static boolean write(Conn c, ByteBuffer request) {
        request.rewind();
        try {
            for (int spins = 0; request.hasRemaining() && spins < 8; spins++) {
                if (c.channel.write(request) == 0) {
                    break;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Conn open() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(address, connectTimeoutMs);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        ForwardLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
        return new Conn(ch, loop);
    }

    /** Returns a connection whose response was read to its end; called on its loop thread. */
    void release(Conn c) {
        if (closed) {
            c.close();
            return;
        }
        c.key.attach(null);
        c.key.interestOps(0);
        idle.addFirst(c);
    }

    @Override
    public void close() {
        closed = true;
        for (ForwardLoop l : loops) {
            l.close();
        }
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }
}
