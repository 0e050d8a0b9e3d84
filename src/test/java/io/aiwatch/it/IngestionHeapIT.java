package io.aiwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under the launcher's heap ({@code -Xmx96m}) ingesting targets that once killed it
 * with {@code OutOfMemoryError}: one valid exposition of 250,000 series (about 15 MB) and three of
 * 100,000 at once, scraped every second. It must stay up, drop those scrapes as over budget
 * ({@code aiwatch_inference_series_dropped_total}), and keep ingesting a normal target beside them.
 */
class IngestionHeapIT {
    @TempDir
    Path dir;

    static byte[] exposition(int series) {
        StringBuilder sb = new StringBuilder(series * 64);
        sb.append("# HELP vllm:num_requests_running Running requests.\n# TYPE vllm:num_requests_running gauge\n");
        for (int i = 0; i < series; i++) {
            sb.append("vllm:num_requests_running{model_name=\"model-").append(i).append("\",engine=\"0\"} 1\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void largeTargetsCannotExhaustA96MiBHeap() throws Exception {
        byte[] huge = exposition(250_000);
        byte[] large = exposition(100_000);
        byte[] normal = exposition(20);
        HttpServer targets = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        targets.setExecutor(Executors.newFixedThreadPool(6));
        for (String path : List.of("/huge", "/large1", "/large2", "/large3", "/normal")) {
            byte[] body = path.equals("/huge") ? huge : path.equals("/normal") ? normal : large;
            targets.createContext(path, ex -> {
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
        }
        targets.start();
        int port = ExternalProgram.freePort();
        String base = "http://127.0.0.1:" + targets.getAddress().getPort();
        StringBuilder yaml = new StringBuilder("inference:\n  targets:\n");
        for (String name : List.of("huge", "large1", "large2", "large3", "normal")) {
            yaml.append("    - url: ")
                    .append(base)
                    .append('/')
                    .append(name)
                    .append("\n      name: ")
                    .append(name)
                    .append("\n      interval: 1s\n      timeout: 1s\n");
        }
        Path config = dir.resolve("aiwatch.yaml");
        Files.writeString(config, yaml);
        List<String> cmd = new ArrayList<>(ExternalProgram.java(
                "daemon", "--config", config.toString(), "--simulate-gpus", "1", "--listen", "127.0.0.1:" + port));
        cmd.add(1, "-Xmx96m");
        cmd.add(2, "-XX:+ExitOnOutOfMemoryError");
        try (var daemon = ExternalProgram.start(dir, "daemon", cmd)) {
            String metrics = "http://127.0.0.1:" + port + "/metrics";
            HttpGet.await(
                    metrics,
                    r -> r.statusCode() == 200
                            && count(r.body(), "aiwatch_inference_series_dropped_total{target=\"large3\"}") >= 200_000,
                    Duration.ofSeconds(60));
            String body = HttpGet.await(
                            metrics,
                            r -> count(r.body(), "aiwatch_inference_series_dropped_total{target=\"huge\"}") >= 500_000,
                            Duration.ofSeconds(60))
                    .body();
            assertThat(daemon.isAlive()).as("daemon log:\n%s", daemon.log()).isTrue();
            assertThat(body)
                    .contains("aiwatch_inference_target_over_budget{target=\"huge\"} 1\n")
                    .contains("aiwatch_inference_target_up{target=\"normal\"} 1\n")
                    .contains("aiwatch_inference_target_over_budget{target=\"normal\"} 0\n")
                    .contains(
                            "aiwatch_inference_requests_running{target=\"normal\",model=\"model-0\",engine=\"0\"} 1\n");
            assertThat(daemon.log()).doesNotContain("OutOfMemoryError");
        } finally {
            targets.stop(0);
        }
    }

    /** The value of the sample line starting with {@code series}, or -1. */
    static double count(String exposition, String series) {
        int at = exposition.indexOf("\n" + series + " ");
        if (at < 0) {
            return -1;
        }
        int start = at + series.length() + 2;
        return Double.parseDouble(exposition.substring(start, exposition.indexOf('\n', start)));
    }
}
