package io.aiwatch.tool.proxy;

import io.aiwatch.tool.openai.ResponseDecoder;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One proxied request on the non-blocking path: its upstream response is read and decoded on a
 * {@link ForwardLoop} thread, and each piece is written on to the client at once with Servlet
 * non-blocking output; a client slower than the upstream gets its pieces queued (up to
 * {@value #PAUSE_BYTES} bytes, then the upstream is not read until the client catches up).
 * Everything that touches the client output is serialised on this object's monitor, because the
 * container calls {@link #onWritePossible} on its own threads.
 */
final class AsyncExchange implements WriteListener, ResponseDecoder.Sink, ForwardLoop.Stream {
    /**
     * Queued client bytes above which the upstream is no longer read, per stream. Small on
     * purpose: the proxy also runs inside the daemon on a ~96 MiB heap, and a token stream's
     * pieces are a few hundred bytes, so only large bodies to slow readers ever queue this much.
     */
    static final int PAUSE_BYTES = 64 * 1024;

    private final ProxyHandler.Call call;
    private final AsyncContext async;
    private final HttpServletResponse res;
    private final ByteBuffer request;
    private final NioUpstream upstream;
    private final boolean headRequest;

    private NioUpstream.Conn conn;
    private boolean pooledConn;
    private ResponseDecoder decoder;
    private long lastUpstreamNanos;
    /** Arrival time of the bytes being decoded (nanoTime). */
    private long arrivedNanos;

    private ServletOutputStream out;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean paused;
    private boolean anyContent;
    private boolean upstreamDone;
    private boolean finished;
    /** Pieces passed on but not yet measured, with their arrival times; see {@link #meterPending}. */
    private byte[][] unmetered = new byte[4][];

    private long[] unmeteredNanos = new long[4];
    private int unmeteredCount;
    /** The loop that serves this exchange; its open-stream count includes this one until it ends. */
    private ForwardLoop home;
    /** The loop running {@link #ready}, while it runs. */
    private ForwardLoop currentLoop;

    AsyncExchange(
            ProxyHandler.Call call,
            AsyncContext async,
            HttpServletResponse res,
            byte[] request,
            NioUpstream upstream,
            boolean headRequest) {
        this.call = call;
        this.async = async;
        this.res = res;
        this.request = ByteBuffer.wrap(request);
        this.upstream = upstream;
        this.headRequest = headRequest;
    }

    /**
     * Switches the client output to non-blocking mode. Called on the request thread before the
     * handler returns, so the container's first {@link #onWritePossible} runs on that thread
     * instead of waking another one when the upstream answers.
     */
    synchronized void listen() throws IOException {
        out = res.getOutputStream();
        out.setWriteListener(this);
    }

    /** This exchange will be served by {@code loop}. Request thread, before anything is sent. */
    synchronized void assign(ForwardLoop loop) {
        home = loop;
        loop.open.incrementAndGet();
    }

    synchronized ForwardLoop home() {
        return home;
    }

    /** The exchange is over: the loop has one stream less. */
    private void leaveHome() {
        if (home != null) {
            home.open.decrementAndGet();
            home = null;
            call.left();
        }
    }

    ByteBuffer request() {
        return request;
    }

    /** True while no response byte was passed to the client: the loop serves these first. */
    @Override
    public boolean awaitingFirstContent() {
        return !anyContent;
    }

    /** The request went out on {@code c} (maybe partly); the loop takes over. Any thread. */
    void sent(NioUpstream.Conn c, boolean pooled) {
        call.sent(upstream.ticker.getAsLong());
        synchronized (this) {
            this.conn = c;
            this.pooledConn = pooled;
            this.decoder = new ResponseDecoder(headRequest);
            this.lastUpstreamNanos = upstream.ticker.getAsLong();
        }
        c.loop.execute(() -> {
            synchronized (this) {
                if (finished) {
                    c.close();
                    return;
                }
                try {
                    if (c.key == null) {
                        c.key = c.channel.register(c.loop.selector(), 0);
                    }
                    c.key.attach(this);
                    c.key.interestOps(request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                } catch (ClosedChannelException | RuntimeException e) {
                    upstreamBroke(e);
                }
            }
        });
    }

    /** The loop found {@code key} ready. Loop thread. */
    @Override
    public synchronized void ready(SelectionKey key, ForwardLoop loop) {
        if (finished || !key.isValid() || key.attachment() != this) {
            return;
        }
        currentLoop = loop;
        try {
            readyInner(key, loop);
        } finally {
            currentLoop = null;
        }
    }

    /** Feeds the pieces passed on since the last call to the meter, in arrival order. */
    @Override
    public synchronized void meterPending() {
        for (int i = 0; i < unmeteredCount; i++) {
            call.piece(unmetered[i], 0, unmetered[i].length, unmeteredNanos[i]);
            unmetered[i] = null;
        }
        unmeteredCount = 0;
    }

    private void readyInner(SelectionKey key, ForwardLoop loop) {
        try {
            if (key.isWritable()) {
                conn.channel.write(request);
                if (!request.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                lastUpstreamNanos = upstream.ticker.getAsLong();
                return;
            }
            if (!key.isReadable()) {
                return;
            }
            ByteBuffer buf = loop.readBuffer;
            buf.clear();
            int n = conn.channel.read(buf);
            arrivedNanos = upstream.ticker.getAsLong();
            lastUpstreamNanos = arrivedNanos;
            if (n < 0) {
                if (!decoder.anyByte() && pooledConn) {
                    retryFresh();
                    return;
                }
                decoder.endOfInput();
                upstreamEnded(false);
                return;
            }
            int used = decoder.feed(loop.readBytes, 0, n, this);
            if (decoder.done()) {
                // bytes after the end of the response would be read as the next one's: not reused then
                upstreamEnded(decoder.reusable() && used == n);
            } else if (paused) {
                key.interestOps(0);
            }
        } catch (IOException e) {
            if (!decoder.anyByte() && pooledConn && !(e instanceof ClientGone)) {
                retryFresh();
            } else if (e instanceof ClientGone) {
                clientGone();
            } else {
                upstreamBroke(e);
            }
        }
    }

    /** The pooled connection had been closed by the server before it saw the request: once more on a new one. */
    private void retryFresh() {
        conn.close();
        conn = null;
        async.start(() -> upstream.startFresh(this));
    }

    @Override
    public void head(int status, List<String[]> headers) throws IOException {
        try {
            call.head(res, status, headers);
        } catch (RuntimeException e) {
            throw new ClientGone(e);
        }
    }

    @Override
    public void content(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        anyContent = true;
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        queue.add(copy);
        queuedBytes += len;
        drain();
        // Measured after the loop has passed on every piece that was ready, not now: the meter's
        // few microseconds per piece would otherwise delay the next stream's token.
        if (unmeteredCount == unmetered.length) {
            unmetered = java.util.Arrays.copyOf(unmetered, unmeteredCount * 2);
            unmeteredNanos = java.util.Arrays.copyOf(unmeteredNanos, unmeteredCount * 2);
        }
        unmetered[unmeteredCount] = copy;
        unmeteredNanos[unmeteredCount++] = arrivedNanos;
        if (unmeteredCount == 1 && currentLoop != null) {
            currentLoop.meterLater(this);
        }
        if (queuedBytes > PAUSE_BYTES) {
            paused = true;
        }
    }

    /** Writes queued pieces while the client output takes them; completes when all is sent. */
    private void drain() throws ClientGone {
        if (out == null || finished) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] next = queue.poll();
                if (next == null) {
                    break;
                }
                long t = upstream.ticker.getAsLong();
                out.write(next); // sent at once: the proxy's connector does not aggregate writes
                queuedBytes -= next.length;
                call.forwarded(upstream.ticker.getAsLong() - t);
            }
        } catch (IOException | RuntimeException e) {
            throw new ClientGone(e);
        }
        if (paused && queuedBytes < PAUSE_BYTES / 4 && !upstreamDone && conn != null) {
            paused = false;
            NioUpstream.Conn c = conn;
            c.loop.execute(() -> {
                synchronized (this) {
                    if (!finished && c.key != null && c.key.isValid() && c.key.attachment() == this) {
                        c.key.interestOps(SelectionKey.OP_READ);
                    }
                }
            });
        }
        if (upstreamDone && queue.isEmpty() && out.isReady()) {
            finish();
        }
    }

    /** The container can take more output. Container thread. */
    @Override
    public synchronized void onWritePossible() {
        try {
            drain();
        } catch (ClientGone e) {
            clientGone();
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        clientGone();
    }

    /** The upstream response is complete (or broke). Loop thread, under the monitor. */
    private void upstreamEnded(boolean reusable) throws ClientGone {
        upstreamDone = true;
        if (reusable) {
            upstream.release(conn);
        } else {
            conn.close();
        }
        conn = null;
        drain();
    }

    private void upstreamBroke(Exception e) {
        if (conn != null) {
            conn.close();
            conn = null;
        }
        if (finished) {
            return;
        }
        if (decoder == null || !decoder.headDone()) {
            failBeforeHead(502, "io", "upstream request failed: " + e.getClass().getSimpleName());
            return;
        }
        call.streamBroke(e);
        try {
            drain(); // pass on what did arrive (what the client's socket takes now); upstreamDone is not set, so this
            // does not complete
            upstreamDone = true;
        } catch (ClientGone g) {
            clientGone();
            return;
        }
        if (!finished) {
            finished = true;
            leaveHome();
            meterPending();
            call.end();
            // not complete(): a clean end would tell the client the response is whole
            ProxyHandler.abortClient(async.getRequest(), e);
        }
    }

    /** Checks the upstream has not been silent too long. Loop thread. */
    @Override
    public synchronized void checkTimeout(long now, long timeoutNanos) {
        if (finished || conn == null || paused || now - lastUpstreamNanos < timeoutNanos) {
            return;
        }
        if (decoder == null || !decoder.headDone()) {
            conn.close();
            conn = null;
            failBeforeHead(
                    504,
                    "timeout",
                    "upstream did not answer within " + ProxyHandler.seconds(timeoutNanos / 1e9) + " s");
        } else {
            upstreamBroke(new java.net.SocketTimeoutException(
                    "upstream silent for " + ProxyHandler.seconds(timeoutNanos / 1e9) + " s"));
        }
    }

    /** Answers the client with a JSON error (recorded as a failure) and ends the exchange. Any thread. */
    synchronized void failBeforeHead(int code, String reason, String message) {
        if (finished || upstreamDone) {
            return;
        }
        if (conn != null) {
            conn.close();
            conn = null;
        }
        upstreamDone = true;
        byte[] body = call.failAsync(res, code, reason, message);
        if (body != null) {
            queue.add(body);
            queuedBytes += body.length;
        }
        try {
            drain();
        } catch (ClientGone e) {
            clientGone();
        }
    }

    private void clientGone() {
        if (finished) {
            return;
        }
        finished = true;
        leaveHome();
        meterPending();
        if (conn != null) {
            conn.close(); // the upstream sees the request cancelled
            conn = null;
        }
        call.clientAborted();
        call.end();
        completeQuietly();
    }

    /** Recorded before completing, so a client that reads the metrics after its response finds it counted. */
    private void finish() {
        finished = true;
        leaveHome();
        meterPending();
        call.end();
        completeQuietly();
    }

    private void completeQuietly() {
        try {
            async.complete();
        } catch (RuntimeException e) {
            // already completed or the connection is gone; nothing left to send
        }
    }

    /** Writing to the client failed: the client went away. */
    static final class ClientGone extends IOException {
        ClientGone(Throwable cause) {
            super(cause);
        }
    }
}
