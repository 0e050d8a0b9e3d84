package io.aiwatch.inference.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.inference.sim.SseClient;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeUpstream();
        proxy = MeasuringProxy.start(ProxyConfig.defaults(upstream.url()).withListen("127.0.0.1", 0).withMaxModels(2));
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
                if (s.name().equals(name) && model.equals(s.labels().get("model")) && status.equals(s.labels().get("status"))) {
                    return s.value();
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void passesRequestAndStreamedBodyThroughByteIdenticalWithAuthorization() throws Exception {
        String usage = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n";
        upstream.pieces = List.of(new FakeUpstream.Piece(0, chunk(" a")), new FakeUpstream.Piece(5, chunk(" b")),
                new FakeUpstream.Piece(5, usage + "data: [DONE]\n\n"));
        String req = "{\"model\":\"m1\",\"prompt\":\"x y z\",\"stream\":true,\"unknown_field\":[1,2,{\"k\":\"\\u00e9\"}]}";
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
        assertThat(sample(proxy.families(), "aiwatch_client_generation_tokens_sum", "m1", "200")).isEqualTo(2);
        assertThat(sample(proxy.families(), "aiwatch_client_prompt_tokens_sum", "m1", "200")).isEqualTo(3);
    }

    @Test
    void clientMetricsAgreeWithWhatTheClientMeasured() throws Exception {
        upstream.pieces = List.of(new FakeUpstream.Piece(100, chunk(" a")), new FakeUpstream.Piece(50, chunk(" b")),
                new FakeUpstream.Piece(50, chunk(" c")), new FakeUpstream.Piece(0, "data: [DONE]\n\n"));
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
        assertThat(sample(f, "aiwatch_client_inter_token_latency_seconds_count", "m1", "200")).isEqualTo(2);
        assertThat(itlSum).isCloseTo(e2e - ttft, within(1e-6));
        // no usage in the stream: three content chunks are three tokens
        assertThat(sample(f, "aiwatch_client_generation_tokens_sum", "m1", "200")).isEqualTo(3);
        assertThat(tpot).isCloseTo((e2e - ttft) / 2, within(1e-6));
        assertThat(sample(f, "aiwatch_client_inter_token_latency_seconds_bucket", "m1", "200")).isZero(); // le=0.0005
    }

    @Test
    void anOversizedBodyIsRefusedWith413AndNeverReachesTheUpstream() throws Exception {
        var r = new java.net.Socket("127.0.0.1", proxy.port());
        try (r) {
            r.setSoTimeout(10_000);
            long declared = ProxyHandler.MAX_REQUEST_BYTES + 1;
            r.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n{").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
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
        try (MeasuringProxy p = MeasuringProxy.start(ProxyConfig.defaults("http://127.0.0.1:" + closedPort).withListen("127.0.0.1", 0))) {
            var r = client.post("http://127.0.0.1:" + p.port() + "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
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
        try (ServerSocket ss = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    s.getInputStream().read(new byte[8192]);
                    OutputStream o = s.getOutputStream();
                    String c = chunk(" a");
                    o.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + Integer.toHexString(c.length()) + "\r\n" + c + "\r\n").getBytes(StandardCharsets.UTF_8));
                    o.flush();
                    Thread.sleep(50);
                    s.setSoLinger(true, 0); // reset instead of a clean end
                } catch (Exception e) {
                    // the test asserts on the proxy side
                }
            });
            t.start();
            try (MeasuringProxy p = MeasuringProxy.start(ProxyConfig.defaults("http://127.0.0.1:" + ss.getLocalPort())
                    .withListen("127.0.0.1", 0))) {
                try {
                    client.post("http://127.0.0.1:" + p.port() + "/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true}");
                } catch (java.io.IOException expected) {
                    // the client may see the cut too
                }
                t.join(5000);
                for (int i = 0; i < 100 && p.metrics().requests("m", ClientMetrics.STATUS_STREAM_ERROR) == 0; i++) {
                    Thread.sleep(20);
                }
                assertThat(p.metrics().requests("m", ClientMetrics.STATUS_STREAM_ERROR)).isEqualTo(1);
                assertThat(client.get("http://127.0.0.1:" + p.port() + "/metrics")).contains("aiwatch_client_upstream_errors_total{reason=\"stream\"} 1");
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
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ProxyHandler.class.getName());
        logger.addHandler(h);
        logger.setLevel(Level.ALL);
        try {
            upstream.contentType = "application/json";
            upstream.pieces = List.of(new FakeUpstream.Piece(0, "{\"choices\":[{\"text\":\"hi\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":9}}"));
            for (String m : List.of("a", "b", "c", "d", "a")) {
                assertThat(client.post(base + "/v1/completions", "{\"model\":\"" + m + "\",\"prompt\":\"x\"}", "Authorization", SECRET)
                        .status()).isEqualTo(200);
            }
            upstream.status = 401;
            client.post(base + "/v1/completions", "{\"model\":\"a\",\"prompt\":\"x\"}", "Authorization", SECRET);
            assertThat(proxy.metrics().requests("a", "200")).isEqualTo(2);
            assertThat(proxy.metrics().requests("b", "200")).isEqualTo(1);
            assertThat(proxy.metrics().requests("other", "200")).isEqualTo(2);
            assertThat(proxy.metrics().requests("a", "401")).isEqualTo(1);
            assertThat(sample(proxy.families(), "aiwatch_client_generation_tokens_sum", "a", "200")).isEqualTo(18);
            assertThat(sample(proxy.families(), "aiwatch_client_time_to_first_token_seconds_count", "a", "200")).isNaN();
            String text = client.get(base + "/metrics");
            assertThat(text).doesNotContain("SECRET").doesNotContain("Bearer").doesNotContain("model=\"c\"");
            try (MeasuringProxy dead = MeasuringProxy.start(ProxyConfig.defaults("http://127.0.0.1:1").withListen("127.0.0.1", 0))) {
                client.post("http://127.0.0.1:" + dead.port() + "/v1/completions", "{\"model\":\"a\"}", "Authorization", SECRET);
            }
            assertThat(logs).isNotEmpty().allSatisfy(r -> assertThat(r.getMessage()).doesNotContain("SECRET"));
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
}
