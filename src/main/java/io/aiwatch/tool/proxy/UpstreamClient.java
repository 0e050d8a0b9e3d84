package io.aiwatch.tool.proxy;

import java.io.BufferedInputStream;
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
    private volatile boolean closed;

    /** A response whose body is read from the connection; closing it returns the connection to the pool when reusable. */
    static final class Response implements AutoCloseable {
        final int status;
        final List<String[]> headers;
        final InputStream body;
        /** System.nanoTime when the request was fully written to the upstream. */
        long sentNanos;

        private final Conn conn;
        private final UpstreamClient owner;
        private final boolean reusable;

        private Response(
                int status,
                List<String[]> headers,
                InputStream body,
                Conn conn,
                UpstreamClient owner,
                boolean reusable) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.conn = conn;
            this.owner = owner;
            this.reusable = reusable;
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
            boolean done = body instanceof Framed f && f.finished();
            if (reusable && done && !owner.closed && nothingMore()) {
                owner.idle.addFirst(conn);
            } else {
                conn.close();
            }
        }
    }

    private static final class Conn {
        final Socket socket;
        final BufferedInputStream in;
        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 32 * 1024);
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
                pooled.close();
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
        String statusLine;
        long sent;
        try {
            c.out.write(request);
            c.out.flush();
            sent = System.nanoTime();
            statusLine = line(c.in);
        } catch (java.net.SocketTimeoutException e) {
            c.close();
            throw e;
        } catch (IOException e) {
            throw new StaleConnection(e);
        }
        if (statusLine == null) {
            throw new StaleConnection(null);
        }
        try {
            ResponseHead head = new ResponseHead(statusLine);
            String l;
            while ((l = line(c.in)) != null && !l.isEmpty()) {
                head.header(l);
            }
            int status = head.status;
            List<String[]> headers = head.headers;
            long length = head.length;
            boolean chunked = head.chunked;
            boolean keepAlive = head.keepAlive;
            if (l == null) {
                throw new EOFException("upstream closed the connection in the headers");
            }
            boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200);
            InputStream bodyStream = noBody
                    ? new Framed(c.in, 0, false)
                    : chunked
                            ? new Framed(c.in, -1, true)
                            : length >= 0 ? new Framed(c.in, length, false) : new Framed(c.in, Long.MAX_VALUE, false);
            Response r =
                    new Response(status, headers, bodyStream, c, this, keepAlive && (chunked || length >= 0 || noBody));
            r.sentNanos = sent;
            return r;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e instanceof IOException io ? io : new IOException("bad upstream response: " + e.getMessage());
        }
    }

    /** Reads one CRLF- or LF-terminated header line; null at end of stream before any byte. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() > 16 * 1024) {
                throw new IOException("upstream header line too long");
            }
            sb.append((char) c);
        }
        if (sb.length() == 0) {
            return null;
        }
        throw new EOFException("upstream closed the connection mid-line");
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
