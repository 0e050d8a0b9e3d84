package io.aiwatch.tool.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark helper: a minimal blocking HTTP/1.1 client on one keep-alive socket, timing an SSE
 * completion stream with as little client overhead as possible (no JSON parsing: a token chunk is
 * an event containing {@code "choices":[{}}).
 */
final class BenchClient implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** Times of one request in nanoseconds relative to its send; gaps between token chunks. */
    /**
     * @param serverNanos  the simulator's own time from handler entry to its first body write (from its
     *                     X-Sim-Monotonic-Ns answer; same host, same monotonic clock), or -1
     * @param ingressNanos client's send → simulator handler entry (through the proxy, if any), or -1
     * @param egressNanos  simulator's first write → client reads the first token, or -1
     */
    record Timing(
            int status,
            long ttft,
            long e2e,
            long[] gaps,
            int gapCount,
            int tokenChunks,
            long serverNanos,
            long ingressNanos,
            long egressNanos) {
        /** Time to first token spent outside the simulator's handler: network, HTTP stacks and any proxy. */
        long pathNanos() {
            return ttft < 0 || serverNanos < 0 ? -1 : ttft - serverNanos;
        }
    }

    BenchClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(120_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    Timing post(String path, String json, long[] gapBuffer) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer bench\r\nX-Sim-Timing: 1\r\nContent-Length: " + body.length + "\r\n\r\n";
        long start = System.nanoTime();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        boolean chunked = false;
        long length = -1;
        long serverNanos = -1;
        long ingress = -1;
        long firstWriteAt = -1;
        String l;
        while (!(l = line()).isEmpty()) {
            String lower = l.toLowerCase();
            if (lower.startsWith("x-sim-monotonic-ns:")) {
                long received = -1;
                long firstWrite = -1;
                for (String kv : l.substring(19).trim().split(",")) {
                    if (kv.startsWith("received=")) {
                        received = Long.parseLong(kv.substring(9));
                    } else if (kv.startsWith("first-write=")) {
                        firstWrite = Long.parseLong(kv.substring(12));
                    }
                }
                serverNanos = received >= 0 && firstWrite >= received ? firstWrite - received : -1;
                ingress = received >= 0 ? received - start : -1;
                firstWriteAt = firstWrite;
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Long.parseLong(l.substring(15).trim());
            }
        }
        long first = -1;
        long last = -1;
        int gaps = 0;
        int chunks = 0;
        EventScanner scanner = new EventScanner();
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    line();
                    break;
                }
                byte[] data = in.readNBytes(size);
                long t = System.nanoTime();
                line();
                int tokens = scanner.feed(data);
                for (int i = 0; i < tokens; i++) {
                    if (first < 0) {
                        first = t;
                    } else if (gaps < gapBuffer.length) {
                        gapBuffer[gaps++] = t - last;
                    }
                    last = t;
                    chunks++;
                }
            }
        } else if (length >= 0) {
            in.readNBytes((int) length);
            last = System.nanoTime();
        } else {
            throw new IOException("response without length or chunking");
        }
        return new Timing(
                code,
                first < 0 ? -1 : first - start,
                last - start,
                gapBuffer,
                gaps,
                chunks,
                serverNanos,
                ingress,
                first >= 0 && firstWriteAt >= 0 ? first - firstWriteAt : -1);
    }

    /** Counts SSE events with a non-empty choices array across chunk boundaries. */
    private static final class EventScanner {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private static final byte[] MARK = "\"choices\":[{".getBytes(StandardCharsets.US_ASCII);

        int feed(byte[] data) {
            pending.write(data, 0, data.length);
            byte[] b = pending.toByteArray();
            int tokens = 0;
            int eventStart = 0;
            for (int i = 0; i + 1 < b.length; i++) {
                if (b[i] == '\n' && b[i + 1] == '\n') {
                    if (contains(b, eventStart, i)) {
                        tokens++;
                    }
                    eventStart = i + 2;
                    i++;
                }
            }
            pending.reset();
            pending.write(b, eventStart, b.length - eventStart);
            return tokens;
        }

        private static boolean contains(byte[] b, int from, int to) {
            outer:
            for (int i = from; i + MARK.length <= to; i++) {
                for (int j = 0; j < MARK.length; j++) {
                    if (b[i + j] != MARK[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }
}
