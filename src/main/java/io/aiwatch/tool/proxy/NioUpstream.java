package io.aiwatch.tool.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.LongSupplier;

/**
 * The proxy's upstream for plain-HTTP servers: keep-alive connections, each owned by one
 * {@link ForwardLoop} for its life, that carry requests written by the proxy's request thread and
 * responses read by the loop. Each request goes to the loop with the fewest open streams (and one
 * of that loop's idle connections), so a burst splits evenly over the loops. (An https upstream
 * uses the blocking {@link UpstreamClient}.)
 */
final class NioUpstream implements AutoCloseable {
    private final InetSocketAddress address;
    private final int connectTimeoutMs;
    private final ForwardLoop[] loops;
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

    /** The proxy's clock, shared with the loops and exchanges. */
    final LongSupplier ticker;

    NioUpstream(URI base, int connectTimeoutMs, long timeoutNanos, int loops, LongSupplier ticker) throws IOException {
        this.ticker = ticker;
        this.address = new InetSocketAddress(base.getHost(), base.getPort() > 0 ? base.getPort() : 80);
        this.connectTimeoutMs = connectTimeoutMs;
        this.loops = new ForwardLoop[loops];
        for (int i = 0; i < loops; i++) {
            this.loops[i] = new ForwardLoop("aiwatch-proxy-forward-" + i, timeoutNanos, ticker);
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
        ForwardLoop home = loops[0];
        for (ForwardLoop l : loops) {
            if (l.open.get() < home.open.get()) {
                home = l;
            }
        }
        ex.assign(home);
        Conn pooled = home.idle.pollFirst();
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
            c = open(ex.home());
        } catch (IOException e) {
            ex.failBeforeHead(
                    502,
                    "connect",
                    "upstream connection failed: " + e.getClass().getSimpleName());
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

    private Conn open(ForwardLoop loop) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(address, connectTimeoutMs);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new Conn(ch, loop);
    }

    /** Streams being served now, over all loops. */
    int openStreams() {
        int n = 0;
        for (ForwardLoop l : loops) {
            n += l.open.get();
        }
        return n;
    }

    /** Wakes every loop, so that one sweeps for silent upstreams now (tests that move the ticker). */
    void wake() {
        for (ForwardLoop l : loops) {
            l.execute(() -> {});
        }
    }

    /** Returns a connection whose response was read to its end; called on its loop thread. */
    void release(Conn c) {
        if (closed) {
            c.close();
            return;
        }
        c.key.attach(null);
        c.key.interestOps(0);
        c.loop.idle.addFirst(c);
    }

    @Override
    public void close() {
        closed = true;
        for (ForwardLoop l : loops) {
            l.close();
        }
        for (ForwardLoop l : loops) {
            Conn c;
            while ((c = l.idle.pollFirst()) != null) {
                c.close();
            }
        }
    }
}
