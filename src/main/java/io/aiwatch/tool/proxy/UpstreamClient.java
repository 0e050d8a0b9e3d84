package io.aiwatch.tool.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * A blocking HTTP/1.1 client for the proxy's upstream, with a pool of keep-alive connections.
 *
 * <p>Why not java.net.http: its body arrives on a selector thread and is handed through an executor
 * to the reading thread, two thread wake-ups per chunk; on a busy CPU each wake-up can cost
 * milliseconds. Here the proxy's own request thread reads the upstream socket, so a chunk costs one
 * wake-up. The socket read timeout bounds both the wait for headers and the silence between chunks.
 */
final class UpstreamClient implements AutoCloseable {
    private final String host;
    private final int port;
    private final boolean tls;
    private final String hostHeader;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private final LongSupplier ticker;
    private volatile boolean closed;

    /** A response whose body is read from the connection; closing it returns the connection to the pool when reusable. */
    static final class Response implements AutoCloseable {
        final int status;
        final List<String[]> headers;
        final InputStream body;
        /** When the request was fully written to the upstream (the proxy's ticker). */
        long sentNanos;

        private final DecodedBody decoded;
        private final Conn conn;
        private final UpstreamClient owner;

        private Response(DecodedBody decoded, Conn conn, UpstreamClient owner) {
            this.status = decoded.status();
            this.headers = decoded.headers();
            this.body = decoded;
            this.decoded = decoded;
            this.conn = conn;
            this.owner = owner;
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** No byte after the response (one would be read as the next response's start). */
        private boolean nothingMore() {
            try {
                return conn.in.available() == 0;
            } catch (IOException e) {
                return false;
            }
        }

        /** Returns the connection to the pool if the body was read to its end, else closes it. */
        @Override
        public void close() {
            if (decoded.reusable() && !owner.closed && nothingMore()) {
                owner.idle.addFirst(conn);
            } else {
                conn.close();
            }
        }
    }

    private static final class Conn {
        final Socket socket;
        /** The socket's own stream: DecodedBody reads it in 16 KiB pieces, no second buffer. */
        final InputStream in;

        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with a broken socket
            }
        }
    }

    /** Thrown when no connection could be opened; the proxy answers 502 "connect". */
    static final class ConnectFailed extends IOException {
        ConnectFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    UpstreamClient(URI base, int connectTimeoutMs, int readTimeoutMs) {
        this(base, connectTimeoutMs, readTimeoutMs, System::nanoTime);
    }

    /** @param ticker the proxy's clock for the send time; the timeouts are the socket's, in wall time */
    UpstreamClient(URI base, int connectTimeoutMs, int readTimeoutMs, LongSupplier ticker) {
        this.ticker = ticker;
        this.tls = "https".equals(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : (tls ? 443 : 80);
        this.hostHeader = base.getPort() > 0 ? host + ":" + port : host;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    /**
     * Sends one request; {@code headers} exclude Host, Content-Length and hop-by-hop headers. A
     * pooled connection the server has meanwhile closed is retried once on a fresh one (no response
     * byte was read, so the server never processed the request).
     */
    Response send(String method, String target, List<String[]> headers, byte[] body) throws IOException {
        byte[] request = requestBytes(method, target, hostHeader, headers, body);
        Conn pooled = idle.pollFirst();
        if (pooled != null) {
            try {
                return exchange(pooled, request, method);
            } catch (StaleConnection e) {
                // closed by the server while idle: once more on a fresh connection
            }
        }
        try {
            return exchange(open(), request, method);
        } catch (StaleConnection e) {
            throw new EOFException("upstream closed the connection before answering");
        }
    }

    private static final class StaleConnection extends IOException {
        StaleConnection(Throwable cause) {
            super(cause);
        }
    }

    private Conn open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            if (tls) {
                s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
            }
            s.setSoTimeout(readTimeoutMs);
            return new Conn(s);
        } catch (IOException e) {
            s.close();
            throw new ConnectFailed(
                    "cannot connect to upstream " + host + ":" + port + ": "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    /**
     * The request's bytes, head and body in one array so it goes out in one write (one segment:
     * the upstream server parses the whole request on its first wake-up instead of dispatching on
     * the head and waiting for the body). {@code headers} exclude Host and Content-Length.
     */
    static byte[] requestBytes(String method, String target, String hostHeader, List<String[]> headers, byte[] body) {
        StringBuilder sb = new StringBuilder(256)
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader)
                .append("\r\n");
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] head = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    private Response exchange(Conn c, byte[] request, String method) throws IOException {
        DecodedBody decoded = new DecodedBody(c.in, method.equals("HEAD"));
        long sent;
        try {
            c.out.write(request);
            c.out.flush();
            sent = ticker.getAsLong();
            decoded.readHead();
        } catch (java.net.SocketTimeoutException e) {
            c.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            c.close();
            if (!decoded.anyByte()) {
                throw new StaleConnection(e);
            }
            throw e instanceof IOException io ? io : new IOException("bad upstream response: " + e.getMessage());
        }
        Response r = new Response(decoded, c, this);
        r.sentNanos = sent;
        return r;
    }

    @Override
    public void close() {
        closed = true;
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }
}
