package io.aiwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole inference path, real processes only: the daemon jar runs simulated GPUs, the vLLM
 * simulator and the measuring proxy; the load generator sends requests through the proxy; a
 * real Prometheus scrapes the daemon. Every count must agree: requests the load generator
 * completed = requests the simulator finished = requests the proxy measured = requests the
 * daemon ingested from the simulator's /metrics, as Prometheus sees them. The simulated GPUs'
 * utilisation must follow the simulator's load.
 */
class InferenceConsistencyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void requestCountsAgreeAcrossLoadGeneratorSimulatorProxyIngestionAndPrometheus(@TempDir Path dir) throws Exception {
        Path prometheus = ExternalProgram.require("/usr/bin/prometheus", "prometheus");
        int daemonPort = ExternalProgram.freePort();
        int simPort = ExternalProgram.freePort();
        int proxyPort = ExternalProgram.freePort();
        int promPort = ExternalProgram.freePort();
        Path config =
                Files.writeString(dir.resolve("aiwatch.yaml"), """
                listen: 127.0.0.1:%d
                gpu:
                  simulate: 2
                simulator:
                  port: %d
                  speed: 10
                proxy:
                  upstream: http://127.0.0.1:%d
                  port: %d
                """.formatted(daemonPort, simPort, simPort, proxyPort));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, scrape_timeout: 1s}
                scrape_configs:
                  - {job_name: aiwatch, static_configs: [{targets: ['127.0.0.1:%d']}]}
                """.formatted(daemonPort));
        try (var daemon = ExternalProgram.start(
                        dir, "daemon", ExternalProgram.java("daemon", "--config", config.toString()));
                var prom = ExternalProgram.start(
                        dir,
                        "prometheus",
                        List.of(
                                prometheus.toString(),
                                "--config.file=" + dir.resolve("prometheus.yml"),
                                "--storage.tsdb.path=" + dir.resolve("data"),
                                "--web.listen-address=127.0.0.1:" + promPort))) {
            HttpGet.await(
                    "http://127.0.0.1:" + daemonPort + "/ready", r -> r.statusCode() == 200, Duration.ofSeconds(40));
            String api = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
            HttpGet.await(
                    api + enc("up{job=\"aiwatch\"} == 1"), r -> r.body().contains("\"value\""), Duration.ofSeconds(60));
            // Idle before the load: the simulated GPUs follow the idle simulator.
            assertThat(scalar(api, "max(DCGM_FI_DEV_GPU_UTIL)")).isEqualTo(0);

            int streamed = runLoad(dir, proxyPort, "streamed", 120, List.of());
            int plain = runLoad(dir, proxyPort, "plain", 60, List.of("--no-stream"));
            assertThat(streamed).isEqualTo(120);
            assertThat(plain).isEqualTo(60);
            int sent = streamed + plain;

            String simMetrics =
                    HttpGet.get("http://127.0.0.1:" + simPort + "/metrics").body();
            assertThat(sumOf(simMetrics, "vllm:request_success_total"))
                    .as("simulator's own count")
                    .isEqualTo(sent);
            awaitScalar(api, "sum(aiwatch_client_requests_total)", sent);
            awaitScalar(api, "sum(aiwatch_inference_requests_finished_total{target=\"simulator\"})", sent);
            awaitScalar(api, "sum(aiwatch_client_e2e_request_latency_seconds_count)", sent);
            awaitScalar(api, "sum(aiwatch_inference_e2e_request_latency_seconds_count{target=\"simulator\"})", sent);
            assertThat(scalar(api, "max(max_over_time(DCGM_FI_DEV_GPU_UTIL[2m]))"))
                    .as("GPU utilisation under load")
                    .isGreaterThan(0);
            assertThat(daemon.isAlive()).as(daemon.log()).isTrue();
        }
    }

    /** Runs the load generator through the proxy and returns the number of completed requests. */
    private static int runLoad(Path dir, int proxyPort, String name, int prompts, List<String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(ExternalProgram.java(
                "loadgen",
                "--base-url",
                "http://127.0.0.1:" + proxyPort,
                "--model",
                "sim-llama-3.1-8b",
                "--dataset-name",
                "random",
                "--random-input-len",
                "32",
                "--random-output-len",
                "8",
                "--num-prompts",
                Integer.toString(prompts),
                "--request-rate",
                "60",
                "--save-result",
                "--result-dir",
                dir.toString(),
                "--result-filename",
                name + ".json",
                "--no-progress"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("loadgen finished").isTrue();
        assertThat(p.exitValue())
                .as(Files.readString(dir.resolve(name + ".log")))
                .isEqualTo(0);
        JsonNode result = JSON.readTree(dir.resolve(name + ".json").toFile());
        assertThat(result.path("failed").asInt(-1)).as("failed requests").isEqualTo(0);
        return result.path("completed").asInt(-1);
    }

    private static double sumOf(String exposition, String family) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(family + "{") || line.startsWith(family + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static double scalar(String api, String query) throws Exception {
        JsonNode result =
                JSON.readTree(HttpGet.get(api + enc(query)).body()).path("data").path("result");
        assertThat(result).as(query).isNotEmpty();
        return result.get(0).path("value").get(1).asDouble();
    }

    private static void awaitScalar(String api, String query, double expected) throws Exception {
        HttpGet.await(
                api + enc(query),
                r -> {
                    try {
                        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
                        return !result.isEmpty()
                                && result.get(0).path("value").get(1).asDouble() == expected;
                    } catch (Exception e) {
                        return false;
                    }
                },
                Duration.ofSeconds(20));
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }
}
