package io.aiwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.it.ExternalProgram;
import io.aiwatch.it.HttpGet;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard query against real data: the daemon jar runs 2 simulated GPUs, the vLLM
 * simulator and the measuring proxy; the load generator sends requests through the proxy with live
 * metrics on; a real Prometheus (Debian's 2.42) scrapes daemon and load generator every second
 * and evaluates all rule files of {@code alerts/}. Each panel query, with its variables set to
 * "All" and {@code $__rate_interval} to 1m, must run without error and return data, except the
 * panels listed in {@link #EMPTY_BY_DESIGN}. Every variable query must return values, and
 * Prometheus must evaluate every rule without error.
 */
class DashboardQueriesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** Panels (dashboard uid / title) that may have no data in this test, and why (not required to be empty). */
    static final Map<String, String> EMPTY_BY_DESIGN = Map.ofEntries(
            Map.entry("aiwatch-gpu-fleet/XIDs in the last 24 h", "no XID happens on healthy (simulated) GPUs"),
            Map.entry("aiwatch-gpu-node/XID events", "no XID happens on healthy (simulated) GPUs"),
            Map.entry(
                    "aiwatch-gpu-node/Uncorrectable ECC errors",
                    "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL is commented out in dcgm-exporter's default counters, which the test uses"),
            Map.entry(
                    "aiwatch-storage/Hours until full (at the last 6 h rate)",
                    "no filesystem shrinks steadily during the test"),
            Map.entry("aiwatch-storage/ARC hit ratio", "the test machine has no ZFS"),
            Map.entry("aiwatch-storage/Pool state", "the test machine has no ZFS"));

    @Test
    void everyPanelQueryRunsAndReturnsDataFromTheSimulatedStack(@TempDir Path dir) throws Exception {
        Path prometheus = ExternalProgram.require("/usr/bin/prometheus", "prometheus");
        int daemonPort = ExternalProgram.freePort();
        int simPort = ExternalProgram.freePort();
        int proxyPort = ExternalProgram.freePort();
        int loadgenPort = ExternalProgram.freePort();
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
                storage:
                  process_patterns: ["aiwatch"]
                """.formatted(daemonPort, simPort, simPort, proxyPort));
        String ruleFiles = RuleFiles.ruleFiles().stream()
                .map(p -> "'" + p.toAbsolutePath() + "'")
                .collect(Collectors.joining(", "));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                rule_files: [%s]
                scrape_configs:
                  - {job_name: aiwatch, static_configs: [{targets: ['127.0.0.1:%d']}]}
                  - {job_name: loadgen, static_configs: [{targets: ['127.0.0.1:%d']}]}
                """.formatted(ruleFiles, daemonPort, loadgenPort));
        long start = System.currentTimeMillis() / 1000 - 5;
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
            String api = "http://127.0.0.1:" + promPort + "/api/v1/";
            HttpGet.await(
                    "http://127.0.0.1:" + daemonPort + "/ready", r -> r.statusCode() == 200, Duration.ofSeconds(40));
            HttpGet.await(
                    api + "query?query=" + enc("up{job=\"aiwatch\"} == 1"),
                    r -> r.body().contains("\"value\""),
                    Duration.ofSeconds(30));

            runLoad(dir, proxyPort, loadgenPort);
            // The SLO ratios are recording rules over recording rules: wait until they have data,
            // and until the slow GPU collector (per-process memory, 10 s) has published.
            for (String q : List.of(
                    "aiwatch:inference_slo_errors:ratio_rate5m",
                    "aiwatch_gpu_process_memory_bytes",
                    "aiwatch_loadgen_requests_sent_total")) {
                HttpGet.await(
                        api + "query_range?" + range(q, start),
                        r -> r.body().contains("\"values\""),
                        Duration.ofSeconds(20));
            }

            List<String> failures = new ArrayList<>();
            Map<String, String> emptyAsExpected = new TreeMap<>();
            int queries = 0;
            for (Path f : Dashboards.files()) {
                for (Dashboards.Query q : Dashboards.queries(f)) {
                    queries++;
                    String expr = Dashboards.substitute(q.expr());
                    JsonNode answer = JSON.readTree(HttpGet.get(api + "query_range?" + range(expr, start))
                            .body());
                    if (!"success".equals(answer.path("status").asText())) {
                        failures.add(q.key() + " [" + q.refId() + "] error "
                                + answer.path("error").asText() + ": " + expr);
                    } else if (answer.path("data").path("result").isEmpty()) {
                        if (EMPTY_BY_DESIGN.containsKey(q.key())) {
                            emptyAsExpected.put(q.key(), EMPTY_BY_DESIGN.get(q.key()));
                        } else {
                            failures.add(q.key() + " [" + q.refId() + "] empty: " + expr);
                        }
                    }
                }
                failures.addAll(variableProblems(api, f, start));
            }
            System.out.printf(
                    "dashboard queries: %d run, %d empty by design: %s%n",
                    queries, emptyAsExpected.size(), emptyAsExpected);
            assertThat(failures)
                    .as("dashboard queries that failed or returned nothing")
                    .isEmpty();
            assertThat(queries).isGreaterThanOrEqualTo(100);
            assertThat(EMPTY_BY_DESIGN.keySet())
                    .as("every listed panel exists")
                    .allSatisfy(k -> assertThat(Dashboards.files().stream()
                                    .flatMap(f -> Dashboards.queries(f).stream())
                                    .anyMatch(q -> q.key().equals(k)))
                            .as(k)
                            .isTrue());

            JsonNode groups = JSON.readTree(HttpGet.get(api + "rules").body())
                    .path("data")
                    .path("groups");
            assertThat(groups).as("rule groups Prometheus loaded").hasSize(6);
            List<String> ruleErrors = new ArrayList<>();
            int rules = 0;
            for (JsonNode g : groups) {
                for (JsonNode r : g.path("rules")) {
                    rules++;
                    if (!"ok".equals(r.path("health").asText())) {
                        ruleErrors.add(r.path("name").asText() + ": "
                                + r.path("health").asText() + " "
                                + r.path("lastError").asText());
                    }
                }
            }
            assertThat(ruleErrors).as("rules Prometheus could not evaluate").isEmpty();
            assertThat(rules).isEqualTo(RuleFiles.rules().size());
            assertThat(daemon.isAlive()).as(daemon.log()).isTrue();
            assertThat(prom.isAlive()).as(prom.log()).isTrue();
        }
    }

    /** Every query variable's {@code label_values(selector, label)} must give at least one value. */
    private static List<String> variableProblems(String api, Path dashboard, long start) throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode v : Dashboards.variables(Dashboards.read(dashboard)).values()) {
            if (!v.path("type").asText().equals("query")) {
                continue;
            }
            Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
            if (!m.matches()) {
                problems.add(dashboard + " $" + v.path("name").asText() + ": not label_values(selector, label)");
                continue;
            }
            String url = api + "label/" + m.group(2) + "/values?match[]=" + enc(Dashboards.substitute(m.group(1)))
                    + "&start=" + start + "&end=" + (System.currentTimeMillis() / 1000);
            JsonNode values = JSON.readTree(HttpGet.get(url).body()).path("data");
            if (values.isEmpty()) {
                problems.add(
                        dashboard.getFileName() + " $" + v.path("name").asText() + " has no values: " + m.group(0));
            }
        }
        return problems;
    }

    /** Streams requests through the proxy for 12 s at 20 req/s with live metrics on. */
    private static void runLoad(Path dir, int proxyPort, int metricsPort) throws Exception {
        List<String> cmd = ExternalProgram.java(
                "loadgen",
                "--base-url",
                "http://127.0.0.1:" + proxyPort,
                "--model",
                "sim-llama-3.1-8b",
                "--dataset-name",
                "random",
                "--random-input-len",
                "64",
                "--random-output-len",
                "16",
                "--request-rate",
                "20",
                "--duration",
                "12",
                "--metrics-port",
                Integer.toString(metricsPort),
                "--metrics-host",
                "127.0.0.1",
                "--no-progress");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("loadgen.log").toFile())
                .start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("loadgen finished").isTrue();
            assertThat(p.exitValue())
                    .as(Files.readString(dir.resolve("loadgen.log")))
                    .isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private static String range(String expr, long start) {
        long end = System.currentTimeMillis() / 1000;
        return "query=" + enc(expr) + "&start=" + start + "&end=" + end + "&step=2";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
