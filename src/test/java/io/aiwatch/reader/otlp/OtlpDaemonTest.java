package io.aiwatch.reader.otlp;

import static io.aiwatch.reader.otlp.OtlpFixtures.attrs;
import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.tool.proxy.ProxyConfig;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exporter inside the real daemon: it pushes simulated GPUs, and a dead collector leaves /metrics alone. */
class OtlpDaemonTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private static DaemonConfig config(String endpoint) {
        return DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withSimulate(2))
                .withOtlp(new OtlpConfig(true, endpoint, "http/protobuf", Map.of(), "200ms", "1s", null, Map.of()));
    }

    private String metrics(Daemon d) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void daemonPushesItsGpusToTheCollector() throws Exception {
        try (OtlpReceiver rx = OtlpReceiver.http();
                Daemon d = Daemon.start(config(rx.endpoint()), Clock.systemUTC())) {
            Map<String, Metric> m = null;
            // The readers' own metrics and the JVM's come through the store like the GPUs', so OTLP gets
            // them as /metrics does (they once went to /metrics only, or to neither).
            List<String> expected = List.of(
                    "hw.power",
                    "hw.energy",
                    "hw.gpu.memory.usage",
                    "aiwatch.collector.up",
                    "aiwatch.http.scrapes_rejected",
                    "aiwatch.otlp.exports",
                    "jvm_memory_used");
            for (int i = 0; i < 100 && (m == null || !m.keySet().containsAll(expected)); i++) {
                m = OtlpFixtures.metrics(rx.await(rx.requests.size() + 1));
            }
            assertThat(m).containsKeys(expected.toArray(String[]::new));
            assertThat(m.get("hw.power").getGauge().getDataPointsList())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(attrs(p.getAttributesList()))
                            .containsKey("hw.id")
                            .containsEntry("hw.type", "gpu"));
            String body = metrics(d);
            assertThat(body).contains("aiwatch_otlp_exports_total{result=\"success\"}");
            assertThat(d.otlp()).isNotNull();
        }
    }

    @Test
    void aDeadCollectorLeavesMetricsServingAndShowsInTheExporterFamilies() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (Daemon d = Daemon.start(config("http://127.0.0.1:" + deadPort), Clock.systemUTC())) {
            // The first export retries with the SDK's default (jittered) backoff; ticks meanwhile are skipped.
            for (int i = 0; i < 100 && d.otlp().skipped() + d.otlp().failures() == 0; i++) {
                Thread.sleep(100);
            }
            assertThat(d.otlp().skipped() + d.otlp().failures()).isPositive();
            String body = metrics(d);
            assertThat(body)
                    .contains("aiwatch_otlp_exports_total{result=\"success\"} 0")
                    .contains("aiwatch_otlp_exports_skipped_total")
                    .contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"1\"")
                    .contains("aiwatch_collector_up{collector=\"gpu\"} 1");
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                metrics(d);
            }
            // Scrapes are not slowed by the exporter's retries.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(d.otlp().successes()).isZero();
        }
    }

    @Test
    void theInDaemonProxySendsRequestSpansAndItsExemplarsReachTheDaemonsOpenMetrics() throws Exception {
        int proxyPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            proxyPort = s.getLocalPort();
        }
        try (CannedOpenAi up = new CannedOpenAi();
                OtlpReceiver rx = OtlpReceiver.http();
                Daemon d = Daemon.start(
                        config(rx.endpoint())
                                .withGpu(GpuConfig.defaults().withSimulate(1).withInterval("200ms"))
                                .withProxy(ProxyConfig.defaults(up.baseUrl()).withListen("127.0.0.1", proxyPort)),
                        Clock.systemUTC())) {
            assertThat(d.spans()).isNotNull();
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/v1/chat/completions"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            d.spans().flush(Duration.ofSeconds(10));
            var span = GenAiSpansTest.awaitSpans(rx, 1).get(0);
            String traceId = ProxySpansTest.hex(span.getTraceId());
            assertThat(up.traceparents).singleElement().asString().contains(traceId);
            String om = "";
            for (int i = 0; i < 50 && !om.contains(traceId); i++) {
                Thread.sleep(100);
                om = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"))
                                        .header("Accept", "application/openmetrics-text")
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            }
            assertThat(om)
                    .containsPattern(
                            "aiwatch_client_e2e_request_latency_seconds_bucket\\{model=\"m\",status=\"200\",le=\"[^\"]+\"} 1 "
                                    + "# \\{trace_id=\"" + traceId + "\"} ");
            assertThat(metrics(d))
                    .contains("aiwatch_client_e2e_request_latency_seconds_bucket")
                    .doesNotContain("trace_id");
        }
    }

    @Test
    void withoutOtlpTheProxyRecordsNoSpans() throws Exception {
        try (CannedOpenAi up = new CannedOpenAi();
                Daemon d = Daemon.start(
                        DaemonConfig.defaults()
                                .withListen("127.0.0.1:0")
                                .withGpu(GpuConfig.defaults().withSimulate(1))
                                .withProxy(ProxyConfig.defaults(up.baseUrl()).withListen("127.0.0.1", 0)),
                        Clock.systemUTC())) {
            assertThat(d.spans()).isNull();
        }
    }
}
