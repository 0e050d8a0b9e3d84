package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.gpu.GpuTopology;
import io.aiwatch.source.gpu.nvml.FakeNvmlTopology;
import io.aiwatch.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The NVLink topology on the status page and /metrics of a whole daemon: fake NVML and simulated GPUs. */
class TopologyDaemonTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeNvmlTopology fake;

    @AfterEach
    void tearDown() {
        if (fake != null) {
            fake.fake_topology_reset();
            fake.fake_reset();
        }
    }

    private String get(Daemon d, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static DaemonConfig config(GpuConfig gpu) {
        return DaemonConfig.defaults().withListen("127.0.0.1:0").withGpu(gpu);
    }

    /** Waits for the topology collector's first snapshot (it runs at start, then every minute). */
    private static GpuTopology awaitTopology(Daemon d) throws InterruptedException {
        Await.until(
                d.store().runs(),
                () -> d.store().states().stream().anyMatch(s -> s.name().equals("gpu_topology") && s.runs() > 0),
                Duration.ofSeconds(10));
        return d.store().detail(GpuTopology.KEY);
    }

    @Test
    void partialMeshMatrixOnTheStatusPageAndLinksOnMetrics() throws Exception {
        fake = FakeNvmlTopology.load();
        fake.mesh4();
        GpuConfig gpu = GpuConfig.defaults().withLibrary(FakeNvmlTopology.path().toString());
        try (Daemon d = Daemon.start(config(gpu), Clock.systemUTC())) {
            assertThat(awaitTopology(d).pairs()).hasSize(12);
            String page = get(d, "/");
            assertThat(page)
                    .contains("<h2>GPU interconnect</h2>")
                    .contains("<tr><th></th><th>GPU0</th><th>GPU1</th><th>GPU2</th><th>GPU3</th></tr>")
                    .contains("<tr><th>GPU0</th><td>X</td><td title=\"NVLink P2P OK\">NV4</td>"
                            + "<td title=\"NVLink P2P OK\">NV2</td><td title=\"NVLink P2P NotSupported\">SYS</td></tr>")
                    .contains("<tr><th>GPU3</th><td title=\"NVLink P2P NotSupported\">SYS</td>"
                            + "<td title=\"NVLink P2P OK\">NV2</td><td title=\"NVLink P2P OK\">NV4</td><td>X</td></tr>")
                    .contains("<tr><td>0</td><td class=\"up\">6/6</td><td>GPU1 ×4, GPU2 ×2</td></tr>")
                    .contains("<tr><td>3</td><td class=\"down\">6/7</td><td>GPU1 ×2, GPU2 ×4</td></tr>");
            String metrics = get(d, "/metrics");
            assertThat(metrics)
                    .contains("# TYPE aiwatch_gpu_nvlink_links gauge")
                    .contains("aiwatch_gpu_nvlink_links{gpu=\"2\",UUID=\"GPU-00000000-0000-0000-0000-000000000002\","
                            + "peer_gpu=\"3\",peer_uuid=\"GPU-00000000-0000-0000-0000-000000000003\",via=\"direct\"} 4")
                    .contains("aiwatch_collector_up{collector=\"gpu_topology\"} 1");
        }
    }

    @Test
    void oneGpuWithoutNvlinkShowsNoInterconnect() throws Exception {
        fake = FakeNvmlTopology.load();
        fake.fake_set_device_count(1);
        GpuConfig gpu = GpuConfig.defaults().withLibrary(FakeNvmlTopology.path().toString());
        try (Daemon d = Daemon.start(config(gpu), Clock.systemUTC())) {
            assertThat(awaitTopology(d).isEmpty()).isTrue();
            assertThat(get(d, "/")).doesNotContain("GPU interconnect");
            assertThat(get(d, "/metrics"))
                    .doesNotContain("aiwatch_gpu_nvlink")
                    .doesNotContain("aiwatch_gpu_pair_info")
                    .contains("aiwatch_collector_up{collector=\"gpu_topology\"} 1");
        }
    }

    @Test
    void simulatedGpusShowAnNvSwitchNode() throws Exception {
        try (Daemon d = Daemon.start(config(GpuConfig.defaults().withSimulate(4)), Clock.systemUTC())) {
            GpuTopology t = awaitTopology(d);
            assertThat(t.pairs()).hasSize(12).allMatch(p -> p.matrixCell().equals("NV18"));
            String page = get(d, "/");
            assertThat(page)
                    .contains("<tr><th>GPU1</th><td title=\"NVLink P2P OK\">NV18</td><td>X</td>")
                    .contains("<tr><td>2</td><td class=\"up\">18/18</td><td>nvswitch 00000000:05:00.0 ×5, "
                            + "nvswitch 00000000:06:00.0 ×4, nvswitch 00000000:07:00.0 ×4, nvswitch 00000000:08:00.0 ×5"
                            + "</td></tr>");
        }
    }
}
