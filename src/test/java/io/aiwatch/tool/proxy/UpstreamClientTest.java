package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy's HTTP/1.1 upstream client against a scripted socket server. */
class UpstreamClientTest {
    /** Suffix of a scripted answer after which the server closes the connection. */
    private static final String CLOSE = "<close>";

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    /**
     * Serves each connection: for every request (head + Content-Length body) writes {@code answer(n)}
     * where n counts requests on that connection; closes the connection when the answer is null (before
     * answering) or ends with {@link #CLOSE} (after answering).
     */
    private UpstreamClient start(Function<Integer, String> answer) throws IOException {
        // The accept thread keeps its own socket: reading the field would let an old thread accept on
        // the next test server's socket and answer with the old script.
        ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = listening;
        Thread t = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket s = listening.accept();
                    connections.incrementAndGet();
                    new Thread(() -> serve(s, answer)).start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return new UpstreamClient(URI.create("http://127.0.0.1:" + listening.getLocalPort()), 2000, 2000);
    }

    private void serve(Socket s, Function<Integer, String> answer) {
        try (s) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (int n = 0; ; n++) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                requestLines.add(line);
                int length = 0;
                while (!(line = in.readLine()).isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.skip(length);
                String a = answer.apply(n);
                if (a == null) {
                    return;
                }
                boolean close = a.endsWith(CLOSE);
                out.write(a.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private static String read(UpstreamClient.Response r) throws IOException {
        try (r) {
            return new String(r.body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void decodesChunkedBodiesWithExtensionsAndTrailersAndReusesTheConnection() throws Exception {
        UpstreamClient c = start(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-N: " + n + "\r\n\r\n"
                + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
        UpstreamClient.Response r1 = c.send("POST", "/v1/completions", List.of(), "{}".getBytes());
        assertThat(r1.status).isEqualTo(200);
        assertThat(r1.header("x-n")).isEqualTo("0");
        assertThat(read(r1)).isEqualTo("hello, world");
        UpstreamClient.Response r2 =
                c.send("GET", "/v1/models", List.<String[]>of(new String[] {"Authorization", "Bearer x"}), new byte[0]);
        assertThat(read(r2)).isEqualTo("hello, world");
        assertThat(r2.header("X-N")).isEqualTo("1");
        assertThat(connections.get()).isEqualTo(1);
        assertThat(requestLines).containsExactly("POST /v1/completions HTTP/1.1", "GET /v1/models HTTP/1.1");
        c.close();
    }

    @Test
    void readsContentLengthBodiesAndBodiesThatEndWithTheConnection() throws Exception {
        UpstreamClient c = start(n -> n == 0 ? "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc" : null);
        UpstreamClient.Response r = c.send("GET", "/x", List.of(), new byte[0]);
        assertThat(r.status).isEqualTo(404);
        assertThat(read(r)).isEqualTo("abc");
        server.close();
        UpstreamClient d = start(n -> "HTTP/1.0 200 OK\r\n\r\nuntil close" + CLOSE);
        // an HTTP/1.0 answer without length ends when the server closes; the connection is not reused
        assertThat(read(d.send("GET", "/y", List.of(), new byte[0]))).isEqualTo("until close");
        assertThat(read(d.send("GET", "/z", List.of(), new byte[0]))).isEqualTo("until close");
        assertThat(connections.get()).isEqualTo(3);
        d.close();
    }

    @Test
    void retriesOnceWhenAPooledConnectionWasClosedByTheServer() throws Exception {
        // every connection answers one request, then closes (without saying so)
        UpstreamClient c = start(n -> n == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : null);
        assertThat(read(c.send("GET", "/a", List.of(), new byte[0]))).isEqualTo("ok");
        // the server hangs up when the second request arrives on the pooled connection
        assertThat(read(c.send("GET", "/b", List.of(), new byte[0]))).isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(2);
        c.close();
    }

    @Test
    void refusedConnectionIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = new ServerSocket(0);
        UpstreamClient c = new UpstreamClient(URI.create("http://127.0.0.1:" + port), 1000, 1000);
        assertThatThrownBy(() -> c.send("GET", "/", List.of(), new byte[0]))
                .isInstanceOf(UpstreamClient.ConnectFailed.class);
    }

    @Test
    void aBodyCutShortIsAnError() throws Exception {
        UpstreamClient c = start(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel" + CLOSE);
        UpstreamClient.Response r = c.send("GET", "/", List.of(), new byte[0]);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> r.body.readAllBytes()).isInstanceOf(java.io.EOFException.class);
        assertThat(System.nanoTime() - t0)
                .as("fails at the cut, not at the read timeout")
                .isLessThan(1_500_000_000L);
        r.close();
    }
}
