package io.aiwatch.source.kubernetes;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's {@code PodResourcesLister.List} (podresources/v1): one unary gRPC call over
 * HTTP/2 on the kubelet's unix socket, written against the JDK alone. grpc-java with its Netty
 * transport would add about 10 MB to a node agent for this single call.
 *
 * <p>Each call opens a connection, speaks HTTP/2 with prior knowledge (as gRPC does over unix
 * sockets), sends the request on stream 1 and reads until that stream ends. It answers the
 * server's SETTINGS and PINGs, returns flow-control credit as data arrives, decodes every header
 * block (HPACK keeps connection state) and checks {@code :status} and {@code grpc-status}. The
 * whole call is bounded by a deadline (the connection is closed when it passes) and the response
 * by {@code maxMessageBytes}.
 */
final class PodResourcesClient implements AutoCloseable {
    static final String PATH = "/v1.PodResourcesLister/List";

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PUSH_PROMISE = 5;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int WINDOW_UPDATE = 8;
    private static final int CONTINUATION = 9;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    /** Largest frame we accept (SETTINGS_MAX_FRAME_SIZE default); we do not raise it. */
    private static final int MAX_FRAME = 16_384;

    private final Path socket;
    private final Duration timeout;
    private final int maxMessageBytes;
    private final ScheduledExecutorService deadlines;

    /**
     * @param socket          the kubelet's pod-resources socket
     * @param timeout         bound on one call, connect to last byte
     * @param maxMessageBytes largest response accepted (gRPC's default client limit is 4 MiB)
     */
    PodResourcesClient(Path socket, Duration timeout, int maxMessageBytes) {
        this.socket = socket;
        this.timeout = timeout;
        this.maxMessageBytes = maxMessageBytes;
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pod-resources-deadline");
            t.setDaemon(true);
            return t;
        });
    }

    /** A failed call, with a short reason fit for a {@code reason} label. */
    static final class CallException extends IOException {
        private final String reason;

        CallException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** Calls List once. */
    List<PodResources> list() throws IOException {
        if (!Files.exists(socket)) {
            throw new CallException("socket_missing", "kubelet pod-resources socket " + socket + " does not exist");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> deadline = deadlines.schedule(
                    () -> {
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // closing to interrupt the blocked read
                        }
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return PodResources.decodeList(call(ch));
            } catch (java.nio.channels.AsynchronousCloseException e) {
                throw new CallException(
                        "timeout", "List on " + socket + " did not finish within " + timeout.toMillis() + " ms");
            } catch (CallException e) {
                throw e;
            } catch (IOException e) {
                throw new CallException("error", "List on " + socket + ": " + e.getMessage());
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private byte[] call(SocketChannel ch) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(512);
        out.put(PREFACE);
        // SETTINGS: ENABLE_PUSH=0, INITIAL_WINDOW_SIZE=1 MiB
        frameHeader(out, 12, SETTINGS, 0, 0);
        out.putShort((short) 0x2).putInt(0);
        out.putShort((short) 0x4).putInt(1 << 20);
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":method", "POST");
        h.put(":scheme", "http");
        h.put(":path", PATH);
        h.put(":authority", "localhost");
        h.put("content-type", "application/grpc");
        h.put("te", "trailers");
        h.put("grpc-timeout", Math.max(1, timeout.toMillis()) + "m");
        h.put("user-agent", "aiwatch");
        byte[] block = Hpack.encode(h);
        frameHeader(out, block.length, HEADERS, END_HEADERS, 1);
        out.put(block);
        // the request message: not compressed, 0 bytes (ListPodResourcesRequest has no fields)
        frameHeader(out, 5, DATA, END_STREAM, 1);
        out.put((byte) 0).putInt(0);
        write(ch, out.flip());

        Hpack hpack = new Hpack();
        Map<String, String> headers = null;
        Map<String, String> trailers = null;
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(9);
        java.io.ByteArrayOutputStream pendingBlock = null;
        boolean pendingEndStream = false;
        boolean ended = false;
        while (!ended) {
            head.clear();
            read(ch, head);
            head.flip();
            int length = (head.get() & 0xFF) << 16 | (head.get() & 0xFF) << 8 | (head.get() & 0xFF);
            int type = head.get() & 0xFF;
            int flags = head.get() & 0xFF;
            int stream = head.getInt() & 0x7FFFFFFF;
            if (length > MAX_FRAME) {
                throw new IOException("frame of " + length + " bytes exceeds " + MAX_FRAME);
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            read(ch, payload);
            payload.flip();
            if (pendingBlock != null && type != CONTINUATION) {
                throw new IOException("header block interrupted by frame type " + type);
            }
            switch (type) {
                case SETTINGS -> {
                    if ((flags & ACK) == 0) {
                        ByteBuffer ack = ByteBuffer.allocate(9);
                        frameHeader(ack, 0, SETTINGS, ACK, 0);
                        write(ch, ack.flip());
                    }
                }
                case PING -> {
                    if ((flags & ACK) == 0) {
                        ByteBuffer pong = ByteBuffer.allocate(17);
                        frameHeader(pong, 8, PING, ACK, 0);
                        pong.put(payload);
                        write(ch, pong.flip());
                    }
                }
                case HEADERS, CONTINUATION -> {
                    byte[] fragment;
                    if (type == HEADERS) {
                        fragment = unpad(payload, flags, true);
                        pendingBlock = new java.io.ByteArrayOutputStream();
                        pendingEndStream = (flags & END_STREAM) != 0;
                    } else {
                        if (pendingBlock == null) {
                            throw new IOException("CONTINUATION without HEADERS");
                        }
                        fragment = new byte[payload.remaining()];
                        payload.get(fragment);
                    }
                    pendingBlock.write(fragment);
                    if (pendingBlock.size() > 64 * 1024) {
                        throw new IOException("header block larger than 64 KiB");
                    }
                    if ((flags & END_HEADERS) != 0) {
                        Map<String, String> decoded = hpack.decode(pendingBlock.toByteArray());
                        pendingBlock = null;
                        if (stream == 1) {
                            if (headers == null) {
                                headers = decoded;
                            } else {
                                trailers = decoded;
                            }
                            ended = pendingEndStream;
                        }
                    }
                }
                case DATA -> {
                    byte[] data = unpad(payload, flags, false);
                    if (stream == 1) {
                        if (body.size() + data.length > maxMessageBytes + 5L) {
                            throw new CallException(
                                    "too_large", "List response larger than " + maxMessageBytes + " bytes");
                        }
                        body.write(data);
                        ended = (flags & END_STREAM) != 0;
                    }
                    if (length > 0 && !ended) {
                        ByteBuffer credit = ByteBuffer.allocate(26);
                        frameHeader(credit, 4, WINDOW_UPDATE, 0, 0);
                        credit.putInt(length);
                        frameHeader(credit, 4, WINDOW_UPDATE, 0, 1);
                        credit.putInt(length);
                        write(ch, credit.flip());
                    }
                }
                case RST_STREAM -> {
                    if (stream == 1) {
                        throw new IOException("kubelet reset the stream (HTTP/2 error " + payload.getInt() + ")");
                    }
                }
                case GOAWAY -> {
                    int last = payload.getInt() & 0x7FFFFFFF;
                    int code = payload.getInt();
                    if (last < 1) {
                        throw new IOException("kubelet closed the connection (GOAWAY, HTTP/2 error " + code + ")");
                    }
                }
                case PUSH_PROMISE -> throw new IOException("unexpected PUSH_PROMISE");
                default -> {
                    // WINDOW_UPDATE and PRIORITY need nothing from us; unknown types are ignored (RFC 9113 §4.1)
                }
            }
        }
        return message(headers, trailers, body.toByteArray());
    }

    /** Checks status and trailers, then unframes the single gRPC message. */
    private byte[] message(Map<String, String> headers, Map<String, String> trailers, byte[] body) throws IOException {
        if (headers == null || !"200".equals(headers.get(":status"))) {
            throw new IOException("HTTP status " + (headers == null ? "none" : headers.get(":status")));
        }
        Map<String, String> status = trailers != null ? trailers : headers; // trailers-only response on error
        String code = status.get("grpc-status");
        if (code == null) {
            throw new IOException("response without grpc-status");
        }
        if (!code.equals("0")) {
            String message = status.getOrDefault("grpc-message", "");
            throw new CallException(
                    "grpc_" + code, "gRPC status " + code + (message.isEmpty() ? "" : ": " + percentDecode(message)));
        }
        if (body.length < 5) {
            throw new IOException("response without a message");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.get() != 0) {
            throw new IOException("compressed response, which was not asked for");
        }
        int n = b.getInt();
        if (n < 0 || n != b.remaining()) {
            throw new IOException("response message of " + b.remaining() + " bytes, prefix says " + n);
        }
        byte[] m = new byte[n];
        b.get(m);
        return m;
    }

    private static byte[] unpad(ByteBuffer p, int flags, boolean headers) throws IOException {
        int pad = 0;
        if ((flags & PADDED) != 0) {
            pad = p.get() & 0xFF;
        }
        if (headers && (flags & PRIORITY) != 0) {
            p.position(p.position() + 5);
        }
        int n = p.remaining() - pad;
        if (n < 0) {
            throw new IOException("padding longer than the frame");
        }
        byte[] out = new byte[n];
        p.get(out);
        return out;
    }

    /** gRPC percent-encodes grpc-message (RFC 3986 style, UTF-8). */
    static String percentDecode(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                try {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape: keep the '%'
                }
            }
            out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void frameHeader(ByteBuffer b, int length, int type, int flags, int stream) {
        b.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        b.put((byte) type).put((byte) flags).putInt(stream);
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void read(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("kubelet closed the connection mid-response");
            }
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
