package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The daemon's GPU error policy, end to end through the real NVML binding and the fake library. */
class NvmlCollectorTest {
    private FakeNvml fake;
    private NvmlBackend backend;

    @BeforeEach
    void start() throws Exception {
        fake = FakeNvml.load();
        fake.fake_set_device_count(2);
        backend = FakeNvml.backend();
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.fake_reset();
    }

    private GpuCollector fastCollector() {
        return new GpuCollector(
                GpuCollector.Role.FAST,
                backend,
                CountersFile.defaults(),
                Duration.ofSeconds(1),
                new GpuHealth(),
                new GpuCollector.Settings("Hostname", "n", 8),
                new ProcessIdentity(Path.of("/proc")));
    }

    private static List<Sample> samples(Snapshot s, String family) {
        return s.families().stream()
                .filter(f -> f.name().equals(family))
                .findFirst()
                .orElseThrow()
                .samples();
    }

    private static List<String> gpus(Snapshot s, String family) {
        return samples(s, family).stream().map(x -> x.labels().get("gpu")).toList();
    }

    @Test
    void reportsConfiguredValuesInDcgmUnitsWithDcgmLabels() {
        fake.fake_set_value(1, "power_mw", 312_500);
        fake.fake_set_value(1, "temp", 61);
        Snapshot s = fastCollector().collect();
        Sample power = samples(s, "DCGM_FI_DEV_POWER_USAGE").get(1);
        assertThat(power.value()).isEqualTo(312.5);
        assertThat(power.labels().get("device")).isEqualTo("nvidia1");
        assertThat(power.labels().get("DCGM_FI_DRIVER_VERSION")).isEqualTo("580.82.07");
        assertThat(samples(s, "DCGM_FI_DEV_GPU_TEMP").get(1).value()).isEqualTo(61);
    }

    @Test
    void notSupportedOnOneGpuDropsOnlyThatSeriesAndIsNeverAskedAgain() {
        fake.fake_fail("nvmlDeviceGetPowerUsage", 1, 3, -1);
        GpuCollector c = fastCollector();
        c.collect();
        int calls = fake.fake_calls("nvmlDeviceGetPowerUsage");
        Snapshot s = c.collect();
        assertThat(gpus(s, "DCGM_FI_DEV_POWER_USAGE")).containsExactly("0");
        assertThat(gpus(s, "DCGM_FI_DEV_GPU_TEMP")).containsExactly("0", "1");
        assertThat(fake.fake_calls("nvmlDeviceGetPowerUsage") - calls).isEqualTo(1);
        assertThat(samples(s, "aiwatch_gpu_library_errors_total")).isEmpty();
    }

    @Test
    void gpuIsLostMarksThatGpuDownAndTheOtherContinues() {
        fake.fake_fail("nvmlDeviceGetClockInfo", 0, 15, -1);
        Snapshot s = fastCollector().collect();
        assertThat(samples(s, "aiwatch_gpu_up"))
                .extracting(x -> x.labels().get("gpu") + "=" + (int) x.value())
                .containsExactly("0=0", "1=1");
        assertThat(gpus(s, "DCGM_FI_DEV_GPU_TEMP")).containsExactly("1");
    }

    @Test
    void otherErrorsAreCountedByNvmlFunctionAndReturnCode() {
        fake.fake_fail("nvmlDeviceGetTemperature", -1, 999, 3);
        GpuCollector c = fastCollector();
        c.collect();
        Snapshot s = c.collect();
        assertThat(samples(s, "aiwatch_gpu_library_errors_total"))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.labels().get("function")).isEqualTo("nvmlDeviceGetTemperature");
                    assertThat(x.labels().get("code")).isEqualTo("NVML_ERROR_UNKNOWN");
                    assertThat(x.value()).isEqualTo(3);
                });
        assertThat(gpus(s, "DCGM_FI_DEV_GPU_TEMP")).containsExactly("1");
        assertThat(gpus(c.collect(), "DCGM_FI_DEV_GPU_TEMP")).containsExactly("0", "1");
    }

    @Test
    void aHungNvmlCallLeavesScrapesFastAndShowsTheCollectorStale() throws Exception {
        backend.close();
        DaemonConfig cfg = DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults()
                        .withLibrary(FakeNvml.path().toString())
                        .withInterval("200ms"));
        HttpClient http = HttpClient.newHttpClient();
        try (Daemon d = Daemon.start(cfg, Clock.systemUTC())) {
            URI metrics = URI.create("http://127.0.0.1:" + d.port() + "/metrics");
            URI ready = URI.create("http://127.0.0.1:" + d.port() + "/ready");
            Await.until(
                    d.store().runs(),
                    () -> {
                        try {
                            return http.send(
                                                    HttpRequest.newBuilder(ready)
                                                            .build(),
                                                    HttpResponse.BodyHandlers.ofString())
                                            .statusCode()
                                    == 200;
                        } catch (Exception e) {
                            throw new IllegalStateException("GET /ready", e);
                        }
                    },
                    Duration.ofSeconds(5));
            fake.fake_hang("nvmlDeviceGetPowerUsage", 0, 8000);
            String body = "";
            long slowest = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < deadline && !body.contains("aiwatch_collector_up{collector=\"gpu\"} 0")) {
                long t0 = System.nanoTime();
                body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                slowest = Math.max(slowest, System.nanoTime() - t0);
                Thread.sleep(50);
            }
            assertThat(body)
                    .contains("aiwatch_collector_up{collector=\"gpu\"} 0")
                    .doesNotContain("DCGM_FI_DEV_POWER_USAGE{");
            // The hung call blocks for 8 s; scrapes never waited for it.
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
            HttpResponse<String> r =
                    http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("stale").contains("collection running for");
            fake.fake_reset();
        }
    }
}
