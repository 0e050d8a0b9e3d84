package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.source.storage.FsStat;
import io.aiwatch.testing.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Joules per token on the simulated stack: a daemon with one simulated GPU driven by the
 * in-daemon vLLM simulator, discovery on (matching this JVM's command line), stepped second by
 * second on a manual clock while requests run. Discovery finds the simulator's process, the slow
 * GPU collector shows that process on the GPU, and after a minute of history the 1m reading equals
 * the GPU's energy delta over the window divided by the tokens (requests) the server counted in it,
 * both read from the store at the window's two ends; the implied mean power lies between the
 * simulated H100's idle and its limit.
 */
class DaemonEnergyPerTokenTest {
    @Test
    void energyPerTokenOfTheDiscoveredSimulator() throws Exception {
        String me = new String(
                        Files.readAllBytes(Path.of("/proc/self/cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                .replace('\0', ' ')
                .strip();
        String pattern = Pattern.quote(me.substring(0, Math.min(60, me.length())));
        String yaml = """
                listen: 127.0.0.1:0
                gpu:
                  simulate: 1
                simulator:
                  port: 0
                  speed: 50
                  model: org/energy-8b
                inference:
                  discovery:
                    enabled: true
                    process_pattern: '%s'
                    pods: 'false'
                """.formatted(pattern.replace("'", "''"));
        DaemonConfig config = new ConfigLoader().parse("energy.yaml", yaml, DaemonConfig.class);
        ManualClock clock = new ManualClock(Instant.parse("2026-12-08T03:00:00Z"));
        AtomicLong wall = new AtomicLong();
        Daemon.Host host = new Daemon.Host(
                "energy-node",
                path -> new FsStat(4096, 1_000_000, 400_000, 350_000, 65_536, 60_000),
                store -> CollectorRunner.manual(store, () -> wall.addAndGet(1_000_000), () -> 0));
        HttpClient http = HttpClient.newHttpClient();
        AtomicBoolean running = new AtomicBoolean(true);
        try (Daemon d = Daemon.start(config, clock, host)) {
            int simPort = d.simulator().port();
            Thread load = new Thread(() -> {
                HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simPort + "/v1/completions"))
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"org/energy-8b\",\"prompt\":\"a river\",\"max_tokens\":64,\"ignore_eos\":true}"))
                        .header("Content-Type", "application/json")
                        .build();
                while (running.get()) {
                    try {
                        http.send(r, HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            load.setDaemon(true);
            load.start();
            SnapshotStore store = d.store();
            double[] energyMj = new double[61];
            double[] tokens = new double[61];
            double[] requests = new double[61];
            for (int s = 0; s <= 60; s++) {
                d.runner().runAll();
                energyMj[s] = sum(store, "gpu_costly", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
                tokens[s] = sum(store, "inference-simulator", "aiwatch_inference_generation_tokens_total");
                requests[s] = sum(store, "inference-simulator", "aiwatch_inference_requests_finished_total");
                if (s < 60) {
                    clock.advance(Duration.ofSeconds(1));
                    // let the engine make tokens in this simulated second
                    long before = (long) tokens[s];
                    for (int i = 0; i < 200; i++) {
                        if (liveTokens(http, simPort) > before) {
                            break;
                        }
                        Thread.sleep(5);
                    }
                }
            }
            running.set(false);
            double joules = (energyMj[60] - energyMj[0]) / 1000;
            double dt = tokens[60] - tokens[0];
            double dr = requests[60] - requests[0];
            assertThat(dt).isPositive();
            assertThat(dr).isPositive();
            assertThat(joules / 60).as("mean power, W").isBetween(50.0, 700.0);

            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(value(body, "aiwatch_inference_energy_per_output_token_joules", "1m"))
                    .isCloseTo(joules / dt, within(1e-6 * joules / dt));
            assertThat(value(body, "aiwatch_inference_energy_per_request_joules", "1m"))
                    .isCloseTo(joules / dr, within(1e-6 * joules / dr));
            assertThat(body).contains("aiwatch_inference_target_gpu_info{target=\"simulator\",gpu=\"0\"");
            assertThat(body)
                    .contains(
                            "aiwatch_inference_discovered_target_info{target=\"simulator\",origin=\"configured\",pid=\""
                                    + ProcessHandle.current().pid() + "\"");
            String page = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(page)
                    .contains("vLLM simulator at http://127.0.0.1:" + simPort + "/metrics (configured, pid "
                            + ProcessHandle.current().pid() + ")");
        } finally {
            running.set(false);
        }
    }

    private static long liveTokens(HttpClient http, int port) throws Exception {
        String m = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        long n = 0;
        for (String line : m.split("\n")) {
            if (line.startsWith("vllm:generation_tokens_total{")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    private static double sum(SnapshotStore store, String collector, String family) {
        var state = store.state(collector);
        double v = 0;
        if (state == null || state.last() == null) {
            return 0;
        }
        for (MetricFamily f : state.last().snapshot().families()) {
            if (f.name().equals(family)) {
                for (Sample s : f.samples()) {
                    v += s.value();
                }
            }
        }
        return v;
    }

    /** The value of the family's sample with window="..." in a text exposition. */
    private static double value(String body, String family, String window) {
        for (String line : body.split("\n")) {
            if (line.startsWith(family + "{") && line.contains("window=\"" + window + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(family + "{window=" + window + "} not exposed:\n" + body);
    }
}
