package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.live.MetricsServer;
import io.aiwatch.tool.proxy.MeasuringProxy;
import io.aiwatch.tool.proxy.ProxyConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The daemon's, the simulator's, the standalone proxy's and the load generator's /metrics answer alike. */
class EveryMetricsEndpointTest {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> get(int port, String accept, String encoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (encoding != null) {
            b.header("Accept-Encoding", encoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws Exception {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void negotiateFormatAndGzipTheSameWay() throws Exception {
        try (Daemon daemon = Daemon.start(
                        DaemonConfig.defaults()
                                .withListen("127.0.0.1:0")
                                .withGpu(GpuConfig.defaults().withSimulate(1)),
                        Clock.systemUTC());
                VllmSimulator sim =
                        VllmSimulator.start(SimulatorConfig.defaults().withListen("127.0.0.1", 0));
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0));
                MetricsServer loadgen = new MetricsServer("127.0.0.1", 0, new LiveMetrics(0))) {
            Map<String, Integer> endpoints = new LinkedHashMap<>();
            endpoints.put("daemon", daemon.port());
            endpoints.put("simulator", sim.port());
            endpoints.put("proxy", proxy.port());
            endpoints.put("loadgen", loadgen.port());
            for (Map.Entry<String, Integer> e : endpoints.entrySet()) {
                HttpResponse<byte[]> om = get(e.getValue(), "application/openmetrics-text;version=1.0.0", "gzip");
                assertThat(om.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(om.headers().firstValue("Content-Type"))
                        .as(e.getKey())
                        .hasValue(OPENMETRICS);
                assertThat(om.headers().firstValue("Content-Encoding"))
                        .as(e.getKey())
                        .hasValue("gzip");
                assertThat(om.headers().firstValue("Vary")).as(e.getKey()).hasValue("Accept, Accept-Encoding");
                assertThat(gunzip(om.body()))
                        .as(e.getKey())
                        .startsWith("# TYPE ")
                        .endsWith("# EOF\n");

                HttpResponse<byte[]> text = get(e.getValue(), null, null);
                assertThat(text.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(text.headers().firstValue("Content-Type"))
                        .as(e.getKey())
                        .hasValue(TEXT);
                assertThat(text.headers().firstValue("Content-Encoding"))
                        .as(e.getKey())
                        .isEmpty();
                assertThat(text.headers().firstValueAsLong("Content-Length"))
                        .as(e.getKey())
                        .hasValue(text.body().length);
                assertThat(new String(text.body(), StandardCharsets.UTF_8))
                        .as(e.getKey())
                        .startsWith("# HELP ")
                        .doesNotContain("# EOF");
            }
        }
    }
}
