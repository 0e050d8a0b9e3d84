package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DaemonTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(Daemon d, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@link #get} for a condition: a failed request is an error of the test, not a false. */
    private HttpResponse<String> getOrThrow(Daemon d, String path) {
        try {
            return get(d, path);
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path, e);
        }
    }

    /** Waits until /ready answers {@code status}, checking after each collector run, at most 10 s. */
    private HttpResponse<String> awaitReady(Daemon d, int status) throws Exception {
        Await.until(d.store().runs(), () -> getOrThrow(d, "/ready").statusCode() == status, Duration.ofSeconds(10));
        return get(d, "/ready");
    }

    private static DaemonConfig simulated(int gpus) {
        return DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withSimulate(gpus));
    }

    @Test
    void servesSimulatedGpusOnMetricsWithReadyHealthAndStatusPage() throws Exception {
        try (Daemon d = Daemon.start(simulated(2), Clock.systemUTC())) {
            HttpResponse<String> ready = awaitReady(d, 200);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body())
                    .contains("\"ready\":true")
                    .contains("\"name\":\"gpu\"")
                    .contains("\"name\":\"gpu_slow\"");

            HttpResponse<String> metrics = get(d, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body())
                    .contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"", "DCGM_FI_DEV_GPU_TEMP{gpu=\"1\"")
                    .contains("aiwatch_gpu_up{gpu=\"1\"")
                    .contains("aiwatch_collector_up{collector=\"gpu\"} 1")
                    .contains("jvm_memory_used_bytes");

            assertThat(get(d, "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> page = get(d, "/");
            assertThat(page.body())
                    .contains("NVIDIA H100 80GB HBM3")
                    .contains("gpu_slow")
                    .contains("simulated");
        }
    }

    @Test
    void negotiatesOpenMetricsAndGzipKeepingDcgmNames() throws Exception {
        try (Daemon d = Daemon.start(simulated(1), Clock.systemUTC())) {
            awaitReady(d, 200);
            HttpResponse<String> om = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"))
                            .header(
                                    "Accept",
                                    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(om.headers().firstValue("Content-Type"))
                    .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(om.body())
                    .endsWith("# EOF\n")
                    .containsOnlyOnce("# EOF")
                    .contains("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION unknown\n")
                    .contains("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\"")
                    .contains("# TYPE aiwatch_collector_runs counter\n")
                    .contains("aiwatch_collector_runs_total{collector=\"gpu\"}")
                    .contains("jvm_memory_used_bytes");

            HttpResponse<byte[]> gz = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"))
                            .header("Accept-Encoding", "gzip")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
            String unzipped = new String(
                    new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(unzipped).contains("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n");
        }
    }

    @Test
    void webConfigBasicAuthProtectsTheEndpoints(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String hash = at.favre.lib.crypto.bcrypt.BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray());
        java.nio.file.Path web = java.nio.file.Files.writeString(
                dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: '" + hash + "'\n");
        DaemonConfig cfg = simulated(1)
                .withHttp(io.aiwatch.reader.http.HttpConfig.defaults().withWebConfigFile(web.toString()));
        try (Daemon d = Daemon.start(cfg, Clock.systemUTC())) {
            HttpResponse<String> denied = get(d, "/metrics");
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("prometheus:s3cret".getBytes());
            HttpResponse<String> ok = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"))
                            .header("Authorization", auth)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("aiwatch_collector_up");
        }
    }

    @Test
    void lostGpuShowsDownWhileTheOtherGpuKeepsReporting() throws Exception {
        try (Daemon d = Daemon.start(simulated(2), Clock.systemUTC())) {
            awaitReady(d, 200);
            ((SimulatedGpuBackend) d.gpu().backend()).loseGpu(1);
            Pattern gpu1Down = Pattern.compile("aiwatch_gpu_up\\{gpu=\"1\"[^}]*} 0");
            Await.until(
                    d.store().runs(),
                    () -> gpu1Down.matcher(getOrThrow(d, "/metrics").body()).find(),
                    Duration.ofSeconds(5));
            String body = get(d, "/metrics").body();
            assertThat(body)
                    .containsPattern("aiwatch_gpu_up\\{gpu=\"1\"[^}]*} 0")
                    .containsPattern("aiwatch_gpu_up\\{gpu=\"0\"[^}]*} 1")
                    .containsPattern("DCGM_FI_DEV_GPU_TEMP\\{gpu=\"0\"")
                    .doesNotContainPattern("DCGM_FI_DEV_GPU_TEMP\\{gpu=\"1\"")
                    .contains(
                            "aiwatch_gpu_library_errors_total{function=\"sim:DCGM_FI_DEV_SM_CLOCK\",code=\"NVML_ERROR_GPU_IS_LOST\"}");
            assertThat(get(d, "/").body()).contains("lost: sim:DCGM_FI_DEV_SM_CLOCK returned NVML_ERROR_GPU_IS_LOST");
        }
    }

    @Test
    void withoutNvmlTheDaemonRunsAndSaysWhyItIsNotReady() throws Exception {
        DaemonConfig cfg = DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withLibrary("/nonexistent/libnvidia-ml.so.1"));
        try (Daemon d = Daemon.start(cfg, Clock.systemUTC())) {
            HttpResponse<String> ready = get(d, "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body())
                    .contains("\"name\":\"gpu\"")
                    .contains("\"up\":false")
                    .contains("NVML unavailable");
            assertThat(get(d, "/metrics").body()).contains("aiwatch_collector_up{collector=\"gpu\"} 0");
            assertThat(get(d, "/").body()).contains("NVML unavailable");
            assertThat(get(d, "/health").statusCode()).isEqualTo(200);
        }
    }
}
