package io.aiwatch.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as the DaemonSet runs it with {@code -k}: pod labels on /metrics, soft failure without a kubelet. */
class KubernetesDaemonTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(Daemon d, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (after each collector run, at most 10 s) until {@code path} answers as {@code ok} wants; the last answer. */
    private HttpResponse<String> await(Daemon d, String path, Predicate<HttpResponse<String>> ok) throws Exception {
        Await.until(
                d.store().runs(),
                () -> {
                    try {
                        return ok.test(get(d, path));
                    } catch (Exception e) {
                        throw new IllegalStateException("GET " + path, e);
                    }
                },
                Duration.ofSeconds(10));
        return get(d, path);
    }

    private static DaemonConfig config(Path socket) {
        return DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withSimulate(2))
                .withKubernetes(KubernetesConfig.defaults()
                        .withEnabled(true)
                        .withRefreshInterval("300ms")
                        .withSocket(socket.toString()));
    }

    @Test
    void podLabelsAppearOnTheGpuSeriesOfTheDaemon(@TempDir Path dir) throws Exception {
        try (FakeKubelet kubelet = new FakeKubelet(dir.resolve("kubelet.sock"));
                Daemon d = Daemon.start(config(kubelet.socket()), Clock.systemUTC())) {
            String uuid = d.gpu().backend().devices().get(1).uuid();
            kubelet.answer(FakeKubelet.pod("llm", "vllm-7b-0", "vllm", "nvidia.com/gpu", uuid));
            HttpResponse<String> metrics = await(d, "/metrics", r -> r.body().contains("pod=\"vllm-7b-0\""));
            assertThat(metrics.body())
                    .containsPattern("DCGM_FI_DEV_GPU_TEMP\\{gpu=\"1\",UUID=\"" + uuid
                            + "\",[^}]*,container=\"vllm\",namespace=\"llm\",pod=\"vllm-7b-0\"} ")
                    .containsPattern("DCGM_FI_DEV_GPU_TEMP\\{gpu=\"0\",[^}]*DCGM_FI_DRIVER_VERSION=\"[^\"]*\"} ")
                    .contains("aiwatch_kubernetes_pod_resources_up 1");
            assertThat(get(d, "/").body()).contains("kubelet pod-resources: 1 pods");
        }
    }

    @Test
    void withoutAKubeletTheDaemonIsReadyAndSaysWhy(@TempDir Path dir) throws Exception {
        try (Daemon d = Daemon.start(config(dir.resolve("absent.sock")), Clock.systemUTC())) {
            HttpResponse<String> ready = await(d, "/ready", r -> r.statusCode() == 200);
            assertThat(ready.statusCode()).isEqualTo(200);
            HttpResponse<String> metrics =
                    await(d, "/metrics", r -> r.body().contains("aiwatch_kubernetes_pod_resources_errors_total{"));
            assertThat(metrics.body())
                    .contains("aiwatch_kubernetes_pod_resources_up 0")
                    .contains("aiwatch_kubernetes_pod_resources_errors_total{reason=\"socket_missing\"}")
                    .contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"")
                    .doesNotContain("pod=\"");
            assertThat(get(d, "/").body()).contains("absent.sock does not exist");
        }
    }
}
