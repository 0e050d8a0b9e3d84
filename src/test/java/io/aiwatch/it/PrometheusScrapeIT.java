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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42) scrapes the daemon jar running 8 simulated GPUs; every
 * family the daemon exposes must be queryable, with one series per GPU for the GPU families.
 * Also runs promtool's linter on the same exposition.
 */
class PrometheusScrapeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Family name → type, from the exposition's {@code # TYPE} lines. */
    static Map<String, String> families(String exposition) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                result.put(p[2], p[3]);
            }
        }
        return result;
    }

    @Test
    void prometheusScrapesEveryFamilyAndPromtoolFindsOnlyDcgmNamingInherited(@TempDir Path dir) throws Exception {
        Path prometheus = ExternalProgram.require("/usr/bin/prometheus", "prometheus");
        Path promtool = ExternalProgram.require("/usr/bin/promtool", "prometheus");
        int daemonPort = ExternalProgram.freePort();
        int promPort = ExternalProgram.freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: aiwatch
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(daemonPort));
        try (var daemon = ExternalProgram.start(
                        dir,
                        "daemon",
                        ExternalProgram.java("daemon", "--simulate-gpus", "8", "--listen", "127.0.0.1:" + daemonPort));
                var prom = ExternalProgram.start(
                        dir,
                        "prometheus",
                        List.of(
                                prometheus.toString(),
                                "--config.file=" + dir.resolve("prometheus.yml"),
                                "--storage.tsdb.path=" + dir.resolve("data"),
                                "--web.listen-address=127.0.0.1:" + promPort))) {
            String base = "http://127.0.0.1:" + daemonPort;
            HttpGet.await(base + "/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
            String exposition = HttpGet.get(base + "/metrics").body();
            Map<String, String> families = families(exposition);
            assertThat(families)
                    .containsKeys(
                            "DCGM_FI_DEV_GPU_TEMP",
                            "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
                            "aiwatch_gpu_up",
                            "aiwatch_collector_up",
                            "jvm_memory_used_bytes");

            String api = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
            HttpGet.await(
                    api + enc("up{job=\"aiwatch\"} == 1"), r -> r.body().contains("\"value\""), Duration.ofSeconds(60));
            List<String> missing = new ArrayList<>();
            for (var f : families.entrySet()) {
                String name = f.getValue().equals("summary") || f.getValue().equals("histogram")
                        ? f.getKey() + "_count"
                        : f.getKey();
                JsonNode result = JSON.readTree(
                                HttpGet.get(api + enc("count(" + name + ")")).body())
                        .path("data")
                        .path("result");
                if (result.isEmpty()) {
                    missing.add(name);
                    continue;
                }
                if (name.startsWith("DCGM_") || name.equals("aiwatch_gpu_up")) {
                    assertThat(result.get(0).path("value").get(1).asText())
                            .as(name + " series")
                            .isEqualTo("8");
                }
            }
            assertThat(missing)
                    .as("families exposed by the daemon but not queryable in Prometheus")
                    .isEmpty();

            Process lint = new ProcessBuilder(promtool.toString(), "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            lint.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            lint.getOutputStream().close();
            String lintOutput = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            lint.waitFor();
            List<String> unexpected = new ArrayList<>();
            for (String line : lintOutput.split("\n")) {
                if (!line.isBlank() && !inheritedFromDcgmExporter(line)) {
                    unexpected.add(line);
                }
            }
            assertThat(unexpected)
                    .as("promtool problems not inherited from dcgm-exporter's names")
                    .isEmpty();
            assertThat(daemon.isAlive()).isTrue();
            assertThat(prom.isAlive()).as(prom.log()).isTrue();
        }
    }

    /**
     * The lint findings that exact dcgm-exporter compatibility forces: DCGM counters have no
     * {@code _total}, and every GPU series carries dcgm-exporter's {@code modelName} label
     * (our own GPU families share the label set so that they join with the DCGM ones).
     */
    static boolean inheritedFromDcgmExporter(String line) {
        String camel = "label names should be written in 'snake_case' not 'camelCase'";
        if (line.startsWith("DCGM_")) {
            return line.endsWith(camel)
                    || line.endsWith("counter metrics should have \"_total\" suffix")
                    || line.equals("DCGM_FI_DEV_PCIE_REPLAY_COUNTER metric name should not include type 'counter'");
        }
        return line.startsWith("aiwatch_gpu_") && line.endsWith(camel);
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }
}
