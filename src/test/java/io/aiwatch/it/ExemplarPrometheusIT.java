package io.aiwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.reader.otlp.OtlpConfig;
import io.aiwatch.tool.loadgen.LoadRunner;
import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.live.MetricsServer;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.schedule.ArrivalSchedule;
import io.aiwatch.tool.loadgen.workload.Conversation;
import io.aiwatch.tool.proxy.MeasuringProxy;
import io.aiwatch.tool.proxy.ProxyConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exemplars of the proxy's and the load generator's latency histograms against Prometheus itself:
 * its OpenMetrics parser ({@code promtool tsdb create-blocks-from openmetrics}) accepts the output,
 * and Prometheus 2.42 with {@code --enable-feature=exemplar-storage} stores the trace ids
 * ({@code /api/v1/query_exemplars}). Fails when {@code /usr/bin/prometheus} is missing.
 */
class ExemplarPrometheusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXEMPLAR = Pattern.compile(" # \\{trace_id=\"([0-9a-f]{32})\"}");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private String openMetrics(int port) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .header("Accept", "application/openmetrics-text; version=1.0.0")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static Set<String> traceIds(String om) {
        Set<String> out = new HashSet<>();
        Matcher m = EXEMPLAR.matcher(om);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Prometheus' OpenMetrics parser via backfill; each sample gets a timestamp before its exemplar, as backfill requires. */
    private void assertPrometheusParses(Path promtool, String om, String name) throws Exception {
        String stamped = om.lines()
                .map(l -> {
                    if (l.startsWith("#")) {
                        return l;
                    }
                    int ex = l.indexOf(" # {");
                    return ex < 0 ? l + " 1700000000" : l.substring(0, ex) + " 1700000000" + l.substring(ex);
                })
                .collect(Collectors.joining("\n", "", "\n"));
        Path in = dir.resolve(name + ".om");
        Files.writeString(in, stamped);
        Path log = dir.resolve(name + ".promtool.log");
        Process p = new ProcessBuilder(
                        promtool.toString(),
                        "tsdb",
                        "create-blocks-from",
                        "openmetrics",
                        in.toString(),
                        dir.resolve(name + "-blocks").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("promtool on %s:\n%s", name, Files.readString(log))
                .isZero();
    }

    @Test
    void prometheusParsesAndStoresTheTraceIdsOfProxyAndLoadgenHistograms() throws Exception {
        Path prometheus = ExternalProgram.require("/usr/bin/prometheus", "prometheus");
        Path promtool = ExternalProgram.require("/usr/bin/promtool", "prometheus");
        int deadCollector = ExternalProgram.freePort(); // spans are dropped; their ids still become exemplars
        OtlpConfig otlp = new OtlpConfig(
                true, "http://127.0.0.1:" + deadCollector, "http/protobuf", Map.of(), null, "1s", null, Map.of());
        LiveMetrics live = new LiveMetrics(0);
        try (VllmSimulator sim = VllmSimulator.start(SimulatorConfig.defaults()
                        .withModel("sim")
                        .withListen("127.0.0.1", 0)
                        .withSpeed(20));
                GenAiSpans spans = GenAiSpans.fromConfig(otlp, Map.of(), "it");
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0), spans);
                OpenAiClient client = new OpenAiClient(
                                "http://127.0.0.1:" + proxy.port(),
                                "/v1/completions",
                                "sim",
                                true,
                                true,
                                null,
                                2,
                                System::nanoTime,
                                "nio")
                        .tracing(spans);
                MetricsServer loadgenMetrics = new MetricsServer("127.0.0.1", 0, live)) {
            new LoadRunner(client, List.of(Conversation.single("hello", 1, 8)), live)
                    .run(RunSpec.of(50, 10).withTimeout(Duration.ofSeconds(20)), ArrivalSchedule.of(10, 50, 1, 1));
            String proxyOm = openMetrics(proxy.port());
            String loadgenOm = openMetrics(loadgenMetrics.port());
            Set<String> proxyIds = traceIds(proxyOm);
            Set<String> loadgenIds = traceIds(loadgenOm);
            assertThat(proxyIds).isNotEmpty();
            assertThat(loadgenIds).isNotEmpty();
            assertPrometheusParses(promtool, proxyOm, "proxy");
            assertPrometheusParses(promtool, loadgenOm, "loadgen");

            int promPort = ExternalProgram.freePort();
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: proxy
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                      - job_name: loadgen
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(proxy.port(), loadgenMetrics.port()));
            try (var prom = ExternalProgram.start(
                    dir,
                    "prometheus",
                    List.of(
                            prometheus.toString(),
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + promPort,
                            "--enable-feature=exemplar-storage"))) {
                String api = "http://127.0.0.1:" + promPort + "/api/v1/";
                HttpGet.await(
                        api + "query?query=" + enc("count(up == 1) == 2"),
                        r -> r.body().contains("\"value\""),
                        Duration.ofSeconds(60));
                assertStored(api, "aiwatch_client_e2e_request_latency_seconds_bucket", proxyIds, prom);
                assertStored(api, "aiwatch_client_time_to_first_token_seconds_bucket", proxyIds, prom);
                assertStored(api, "aiwatch_loadgen_e2e_latency_seconds_bucket", loadgenIds, prom);
            }
        }
    }

    private void assertStored(String api, String series, Set<String> ids, ExternalProgram prom) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String url = api + "query_exemplars?query=" + enc(series) + "&start=" + (now - 600) + "&end=" + (now + 600);
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < 60 && stored.isEmpty(); i++) {
            JsonNode data = JSON.readTree(HttpGet.get(url).body()).path("data");
            for (JsonNode s : data) {
                for (JsonNode e : s.path("exemplars")) {
                    stored.add(e.path("labels").path("trace_id").asText());
                }
            }
            if (stored.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertThat(stored)
                .as("exemplars of %s stored by Prometheus; log:\n%s", series, prom.log())
                .isNotEmpty();
        assertThat(ids).containsAll(stored);
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }
}
