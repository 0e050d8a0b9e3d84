package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.testing.Await;
import io.aiwatch.testing.ManualTicker;
import io.aiwatch.tool.vllmsim.SseClient;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeasuringProxyTest {
    private static final String SECRET = "Bearer sk-test-SECRET-4711";
    private final SseClient client = new SseClient();
    private FakeUpstream upstream;
    private MeasuringProxy proxy;
    private String base;

    /** Starts the proxy under test; the blocking-path subclass overrides this. */
    MeasuringProxy startProxy(ProxyConfig config) {
        return MeasuringProxy.start(config);
    }

    /** Starts the proxy under test on a clock the test moves. */
    MeasuringProxy startProxy(ProxyConfig config, ManualTicker ticker) {
        return MeasuringProxy.start(config, null, false, ticker);
    }

    /**
     * The upstream timeout of the silence test. The forward loops time out by the proxy's ticker, so
     * their variant waits 30 s that only the test's ticker can make pass (a loop that read the wall
     * clock would leave the test waiting); the blocking path's timeout is the socket's, in wall time.
     */
    double silenceTimeoutSeconds() {
        return 30;
    }

    /**
     * Whether the slow-client test shrinks the client's receive window. The blocking path writes
     * 16 KiB pieces and waits for each: against a 16 KiB window that costs ~100 ms per piece
     * (delayed ACKs), 40 s for the test body, so its variant uses the default window.
     */
    boolean smallClientWindow() {
        return true;
    }

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeUpstream();
        proxy = startProxy(
                ProxyConfig.defaults(upstream.url()).withListen("127.0.0.1", 0).withMaxModels(2));
        base = "http://127.0.0.1:" + proxy.port();
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    static String chunk(String text) {
        return "data: {\"id\":\"c\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"" + text
                + "\",\"finish_reason\":null}]}\n\n";
    }

    static double sample(List<MetricFamily> fams, String name, String model, String status) {
        for (MetricFamily f : fams) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name)
                        && model.equals(s.labels().get("model"))
                        && status.equals(s.labels().get("status"))) {
                    return s.value();
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void passesRequestAndStreamedBodyThroughByteIdenticalWithAuthorization() throws Exception {
        String usage =
                "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n";
        upstream.pieces = List.of(
                new FakeUpstream.Piece(0, chunk(" a")),
                new FakeUpstream.Piece(5, chunk(" b")),
                new FakeUpstream.Piece(5, usage + "data: [DONE]\n\n"));
        String req =
                "{\"model\":\"m1\",\"prompt\":\"x y z\",\"stream\":true,\"unknown_field\":[1,2,{\"k\":\"\\u00e9\"}]}";
        var r = client.post(base + "/v1/completions?trace=1", req, "Authorization", SECRET, "X-Custom", "kept");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(chunk(" a") + chunk(" b") + usage + "data: [DONE]\n\n");
        assertThat(r.headers().firstValue("x-upstream")).contains("fake");
        FakeUpstream.Received got = upstream.received.get(0);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1/completions?trace=1");
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(req);
        assertThat(got.headers().get("Authorization")).containsExactly(SECRET);
        assertThat(got.headers().get("X-custom")).containsExactly("kept");
        assertThat(proxy.metrics().requests("m1", "200")).isEqualTo(1);
        assertThat(sample(proxy.families(), "aiwatch_client_generation_tokens_sum", "m1", "200"))
                .isEqualTo(2);
        assertThat(sample(proxy.families(), "aiwatch_client_prompt_tokens_sum", "m1", "200"))
                .isEqualTo(3);
    }

    @Test
    void clientMetricsAgreeWithWhatTheClientMeasured() throws Exception {
        upstream.pieces = List.of(
                new FakeUpstream.Piece(100, chunk(" a")),
                new FakeUpstream.Piece(50, chunk(" b")),
                new FakeUpstream.Piece(50, chunk(" c")),
                new FakeUpstream.Piece(0, "data: [DONE]\n\n"));
        var r = client.post(base + "/v1/completions", "{\"model\":\"m1\",\"prompt\":\"x\",\"stream\":true}");
        double clientTtft = (r.events().get(0).nanos() - r.sentNanos()) / 1e9;
        double clientE2e = (r.events().get(2).nanos() - r.sentNanos()) / 1e9;
        List<MetricFamily> f = proxy.families();
        double ttft = sample(f, "aiwatch_client_time_to_first_token_seconds_sum", "m1", "200");
        double e2e = sample(f, "aiwatch_client_e2e_request_latency_seconds_sum", "m1", "200");
        double itlSum = sample(f, "aiwatch_client_inter_token_latency_seconds_sum", "m1", "200");
        double tpot = sample(f, "aiwatch_client_time_per_output_token_seconds_sum", "m1", "200");
        // the upstream waited 100 ms before the first chunk; the proxy sees it no later than the client
        // (the margin only absorbs scheduling delays on a loaded 2-core machine)
        assertThat(ttft).isBetween(0.095, clientTtft).isLessThan(0.6);
        assertThat(e2e).isBetween(0.195, clientE2e);
        assertThat(sample(f, "aiwatch_client_inter_token_latency_seconds_count", "m1", "200"))
                .isEqualTo(2);
        assertThat(itlSum).isCloseTo(e2e - ttft, within(1e-6));
        // no usage in the stream: three content chunks are three tokens
        assertThat(sample(f, "aiwatch_client_generation_tokens_sum", "m1", "200"))
                .isEqualTo(3);
        assertThat(tpot).isCloseTo((e2e - ttft) / 2, within(1e-6));
        assertThat(sample(f, "aiwatch_client_inter_token_latency_seconds_bucket", "m1", "200"))
                .isZero(); // le=0.0005
    }

    @Test
    void anOversizedBodyIsRefusedWith413AndNeverReachesTheUpstream() throws Exception {
        var r = new java.net.Socket("127.0.0.1", proxy.port());
        try (r) {
            r.setSoTimeout(10_000);
            long declared = ProxyHandler.MAX_REQUEST_BYTES + 1;
            r.getOutputStream()
                    .write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + declared + "\r\n\r\n{")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(r.getInputStream().readNBytes(400), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("exceeds the proxy's limit");
        }
        assertThat(upstream.received).isEmpty();
        var ok = client.post(base + "/v1/completions", "{\"model\":\"m1\",\"prompt\":\"x\"}");
        assertThat(ok.status()).as("the proxy keeps serving").isEqualTo(200);
    }

    @Test
    void unreachableUpstreamAnswers502AndIsCounted() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (MeasuringProxy p = startProxy(
                ProxyConfig.defaults("http://127.0.0.1:" + closedPort).withListen("127.0.0.1", 0))) {
            var r = client.post(
                    "http://127.0.0.1:" + p.port() + "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.body()).contains("\"code\":502").contains("upstream connection failed");
            assertThat(p.metrics().requests("m", "502")).isEqualTo(1);
            String text = client.get("http://127.0.0.1:" + p.port() + "/metrics");
            assertThat(text).contains("aiwatch_client_upstream_errors_total{reason=\"connect\"} 1");
            assertThat(text).contains("aiwatch_client_requests_total{model=\"m\",status=\"502\"} 1");
        }
    }

    @Test
    void streamBrokenByUpstreamCountsAsStreamError() throws Exception {
        CountDownLatch clientHasToken = new CountDownLatch(1);
        try (ServerSocket ss = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    s.getInputStream().read(new byte[8192]);
                    OutputStream o = s.getOutputStream();
                    String c = chunk(" a");
                    o.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + Integer.toHexString(c.length()) + "\r\n" + c + "\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    o.flush();
                    clientHasToken.await(5, TimeUnit.SECONDS); // the token went all the way through first
                    s.setSoLinger(true, 0); // reset instead of a clean end
                } catch (Exception e) {
                    // the test asserts on the proxy side
                }
            });
            t.start();
            try (MeasuringProxy p = startProxy(ProxyConfig.defaults("http://127.0.0.1:" + ss.getLocalPort())
                    .withListen("127.0.0.1", 0))) {
                // the client must see the cut too, not a stream that looks whole
                assertThat(streamCutAfterFirstToken(p, clientHasToken::countDown))
                        .doesNotEndWith("0\r\n\r\n")
                        .contains("\" a\"");
                t.join(5000);
                assertThat(Await.until(
                                p.metrics().changes(),
                                () -> p.metrics().requests("m", ClientMetrics.STATUS_STREAM_ERROR) > 0,
                                Duration.ofSeconds(5)))
                        .isTrue();
                assertThat(p.metrics().requests("m", ClientMetrics.STATUS_STREAM_ERROR))
                        .isEqualTo(1);
                assertThat(client.get("http://127.0.0.1:" + p.port() + "/metrics"))
                        .contains("aiwatch_client_upstream_errors_total{reason=\"stream\"} 1");
            }
        }
    }

    @Test
    void modelLabelsAreBoundedAndSecretsNeverAppear() throws Exception {
        List<LogRecord> logs = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logs.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(ProxyHandler.class.getName());
        logger.addHandler(h);
        logger.setLevel(Level.ALL);
        try {
            upstream.contentType = "application/json";
            upstream.pieces = List.of(new FakeUpstream.Piece(
                    0, "{\"choices\":[{\"text\":\"hi\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":9}}"));
            for (String m : List.of("a", "b", "c", "d", "a")) {
                assertThat(client.post(
                                        base + "/v1/completions",
                                        "{\"model\":\"" + m + "\",\"prompt\":\"x\"}",
                                        "Authorization",
                                        SECRET)
                                .status())
                        .isEqualTo(200);
            }
            upstream.status = 401;
            client.post(base + "/v1/completions", "{\"model\":\"a\",\"prompt\":\"x\"}", "Authorization", SECRET);
            assertThat(proxy.metrics().requests("a", "200")).isEqualTo(2);
            assertThat(proxy.metrics().requests("b", "200")).isEqualTo(1);
            assertThat(proxy.metrics().requests("other", "200")).isEqualTo(2);
            assertThat(proxy.metrics().requests("a", "401")).isEqualTo(1);
            assertThat(sample(proxy.families(), "aiwatch_client_generation_tokens_sum", "a", "200"))
                    .isEqualTo(18);
            assertThat(sample(proxy.families(), "aiwatch_client_time_to_first_token_seconds_count", "a", "200"))
                    .isNaN();
            String text = client.get(base + "/metrics");
            assertThat(text).doesNotContain("SECRET").doesNotContain("Bearer").doesNotContain("model=\"c\"");
            try (MeasuringProxy dead =
                    startProxy(ProxyConfig.defaults("http://127.0.0.1:1").withListen("127.0.0.1", 0))) {
                client.post(
                        "http://127.0.0.1:" + dead.port() + "/v1/completions",
                        "{\"model\":\"a\"}",
                        "Authorization",
                        SECRET);
            }
            assertThat(logs)
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getMessage()).doesNotContain("SECRET"));
        } finally {
            logger.removeHandler(h);
        }
    }

    @Test
    void nonMeasuredPathsPassThroughToo() throws Exception {
        upstream.contentType = "application/json";
        upstream.pieces = List.of(new FakeUpstream.Piece(0, "{\"object\":\"list\",\"data\":[]}"));
        assertThat(client.get(base + "/v1/models")).isEqualTo("{\"object\":\"list\",\"data\":[]}");
        assertThat(upstream.received.get(0).method()).isEqualTo("GET");
        assertThat(proxy.families().get(0).samples()).isEmpty();
    }

    /** Serves each accepted connection with {@code conversation} on its own thread, until closed. */
    static ServerSocket rawUpstream(java.util.function.Consumer<Socket> conversation) throws java.io.IOException {
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    new Thread(() -> conversation.accept(s)).start();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    /** Reads one request head and its Content-Length body; false at end of stream. */
    static boolean readRequest(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                        .matcher(head);
                in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
                return true;
            }
        }
        return false;
    }

    /** Open streams once the loops had up to 2 s to finish what the clients already received in full. */
    static int openStreamsAfterwards(MeasuringProxy p) throws InterruptedException {
        Await.until(p.metrics().changes(), () -> p.openStreams() == 0, Duration.ofSeconds(2));
        return p.openStreams();
    }

    static ProxyConfig withTimeout(String upstreamUrl, double requestTimeoutSeconds) {
        return new ProxyConfig("127.0.0.1", 0, upstreamUrl, 20, 5, requestTimeoutSeconds, 1200, 0);
    }

    @Test
    void aPooledConnectionTheServerClosedIsRetriedOnceOnAFreshOne() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        String body = "{\"object\":\"list\",\"data\":[]}";
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch hungUp = new CountDownLatch(1);
        try (ServerSocket ss = rawUpstream(s -> {
                    connections.incrementAndGet();
                    try (s) {
                        if (readRequest(s.getInputStream())) { // answer one request as keep-alive, then hang up
                            s.getOutputStream()
                                    .write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                                    + body.length() + "\r\n\r\n" + body)
                                            .getBytes(StandardCharsets.UTF_8));
                            answered.await(); // the proxy has pooled the connection when its client has the answer
                        }
                    } catch (Exception e) {
                        // the test asserts on the proxy side
                    }
                    hungUp.countDown();
                });
                MeasuringProxy p = startProxy(ProxyConfig.defaults("http://127.0.0.1:" + ss.getLocalPort())
                        .withListen("127.0.0.1", 0))) {
            String url = "http://127.0.0.1:" + p.port() + "/v1/models";
            assertThat(client.get(url)).isEqualTo(body);
            answered.countDown();
            assertThat(hungUp.await(5, TimeUnit.SECONDS))
                    .as("the upstream closed the pooled connection")
                    .isTrue();
            assertThat(client.get(url)).isEqualTo(body);
            assertThat(client.get(url)).isEqualTo(body);
            assertThat(connections.get()).isEqualTo(3);
            assertThat(openStreamsAfterwards(p)).isZero();
        }
    }

    @Test
    void aConnectionWithBytesAfterTheResponseIsNotReused() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket ss = rawUpstream(s -> {
                    connections.incrementAndGet();
                    try (s) {
                        while (readRequest(s.getInputStream())) { // keep-alive, but each answer has junk after it
                            s.getOutputStream()
                                    .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK"
                                            .getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (Exception e) {
                        // closed by the proxy
                    }
                });
                MeasuringProxy p = startProxy(ProxyConfig.defaults("http://127.0.0.1:" + ss.getLocalPort())
                        .withListen("127.0.0.1", 0))) {
            String url = "http://127.0.0.1:" + p.port() + "/v1/models";
            for (int i = 0; i < 3; i++) {
                // the junk goes out in the same write as the answer: it is there when the answer is
                assertThat(client.get(url)).isEqualTo("ok");
            }
            assertThat(connections.get()).isEqualTo(3);
        }
    }

    @Test
    void anUpstreamSilentBeforeItsHeadersIsA504AndSilenceMidStreamAStreamError() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch firstArrived = new CountDownLatch(1);
        try (ServerSocket ss = rawUpstream(s -> {
                    try (s) {
                        readRequest(s.getInputStream());
                        if (n.incrementAndGet() == 2) { // the second request gets a head and one token, then silence
                            String c = chunk(" a");
                            s.getOutputStream()
                                    .write(
                                            ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                            + Integer.toHexString(c.length()) + "\r\n" + c + "\r\n")
                                                    .getBytes(StandardCharsets.UTF_8));
                        } else {
                            firstArrived.countDown();
                        }
                        s.getInputStream().read(); // silent until the proxy gives up and closes
                    } catch (Exception e) {
                        // closed by the proxy
                    }
                });
                MeasuringProxy p = startProxy(
                        withTimeout("http://127.0.0.1:" + ss.getLocalPort(), silenceTimeoutSeconds()), ticker)) {
            String url = "http://127.0.0.1:" + p.port() + "/v1/completions";
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var answer = pool.submit(() -> client.post(url, "{\"model\":\"m\",\"prompt\":\"x\"}"));
                assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
                letSilencePass(p);
                var r = answer.get(10, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(504);
                assertThat(r.body())
                        .contains("\"code\":504")
                        .contains("did not answer within " + ProxyHandler.seconds(silenceTimeoutSeconds()) + " s");
                assertThat(p.metrics().requests("m", "504")).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(streamCutAfterFirstToken(p, () -> letSilencePass(p)))
                    .as("a stream cut by the upstream's silence reaches the client as an error")
                    .doesNotEndWith("0\r\n\r\n")
                    .contains("\" a\"");
            assertThat(Await.until(
                            p.metrics().changes(),
                            () -> p.metrics().requests("m", ClientMetrics.STATUS_STREAM_ERROR) > 0,
                            Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.metrics().requests("m", ClientMetrics.STATUS_STREAM_ERROR))
                    .isEqualTo(1);
            String text = client.get("http://127.0.0.1:" + p.port() + "/metrics");
            assertThat(text)
                    .contains("aiwatch_client_upstream_errors_total{reason=\"timeout\"} 1")
                    .contains("aiwatch_client_upstream_errors_total{reason=\"stream\"} 1");
            assertThat(openStreamsAfterwards(p))
                    .as("every ended exchange leaves its loop")
                    .isZero();
        }
    }

    private final ManualTicker ticker = new ManualTicker();

    /** Moves the proxy's clock past the silence timeout and lets the loops look (the blocking path waits it out). */
    void letSilencePass(MeasuringProxy p) {
        ticker.advance(Duration.ofMillis((long) (silenceTimeoutSeconds() * 1000) + 1000));
        p.wakeLoops();
    }

    /**
     * Sends a streamed request on a raw connection, runs {@code cut} once the first token is in, and
     * returns all the client received (a cut stream lacks the last chunk).
     */
    private static String streamCutAfterFirstToken(MeasuringProxy p, Runnable cut) throws Exception {
        try (Socket c = new Socket("127.0.0.1", p.port())) {
            c.setSoTimeout(10_000);
            byte[] body = "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true}".getBytes(StandardCharsets.UTF_8);
            c.getOutputStream()
                    .write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            c.getOutputStream().write(body);
            java.io.InputStream in = c.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!got.toString(StandardCharsets.UTF_8).contains("\" a\"")) {
                int r = in.read(buf);
                assertThat(r).as("the first token reaches the client").isPositive();
                got.write(buf, 0, r);
            }
            cut.run();
            try {
                for (int r; (r = in.read(buf)) > 0; ) {
                    got.write(buf, 0, r);
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the proxy kept the stream open after the upstream stopped", e);
            } catch (java.io.IOException e) {
                // a reset is a cut too
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLargeBodyReachesASlowClientIntact() throws Exception {
        byte[] big = new byte[6 << 20];
        new java.util.Random(7).nextBytes(big);
        try (ServerSocket ss = rawUpstream(s -> {
                    try (s) {
                        readRequest(s.getInputStream());
                        OutputStream o = s.getOutputStream();
                        o.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                                        + big.length + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        o.write(big);
                        o.flush();
                        s.getInputStream().read(); // open until the proxy closes
                    } catch (Exception e) {
                        // closed by the proxy
                    }
                });
                MeasuringProxy p = startProxy(ProxyConfig.defaults("http://127.0.0.1:" + ss.getLocalPort())
                        .withListen("127.0.0.1", 0));
                Socket c = new Socket("127.0.0.1", p.port())) {
            c.setSoTimeout(10_000); // a proxy that stops passing bytes on fails the test instead of hanging it
            if (smallClientWindow()) {
                c.setReceiveBufferSize(16 * 1024); // the proxy must queue, then stop reading the upstream
            }
            c.getOutputStream()
                    .write("GET /blob HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
            Thread.sleep(500); // let the proxy fill the socket buffers and queue behind them
            java.io.InputStream in = new java.io.BufferedInputStream(c.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString())
                    .startsWith("HTTP/1.1 200")
                    .containsIgnoringCase("content-length: " + big.length);
            byte[] got = new byte[big.length];
            int off = 0;
            while (off < got.length) {
                int r = in.read(got, off, Math.min(8192, got.length - off));
                assertThat(r).as("body ended after %d bytes", off).isPositive();
                off += r;
            }
            assertThat(got).isEqualTo(big);
        }
    }
}
