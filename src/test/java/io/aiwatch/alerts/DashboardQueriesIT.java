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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard query against real data: the daemon jar runs 2 simulated GPUs (with
 * {@code alerts/counters.csv}, the counters file the shipped alerts need), the vLLM simulator and
 * the measuring proxy; the load generator sends requests through the proxy with live metrics on.
 * Two real Prometheus servers (Debian's 2.42) scrape every second and evaluate all rule files of
 * {@code alerts/}:
 * <ul>
 *   <li><b>A, aiwatch</b>: daemon and load generator, every target with a {@code cluster} label;
 *       every panel of every dashboard is checked here;</li>
 *   <li><b>B, vLLM direct</b>: the simulator's own {@code /metrics} (job {@code vllm}), the daemon
 *       with its {@code aiwatch_inference_*} re-export dropped at scrape time, and the load
 *       generator, without a {@code cluster} label: the inference dashboard must work from
 *       {@code vllm:*} alone, and with the cluster label absent.</li>
 * </ul>
 * Each panel query, with its variables set to "All" and {@code $__rate_interval} to 1m, must run
 * without error and return data, except the panels listed as empty by design. Every variable
 * query must return values, and Prometheus must evaluate every rule without error.
 */
class DashboardQueriesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Pattern QUERY_RESULT = Pattern.compile("query_result\\((.*)\\)");

    /** Panels (dashboard uid / title) that may have no data in this test, and why (not required to be empty). */
    static final Map<String, String> EMPTY_BY_DESIGN = Map.ofEntries(
            Map.entry("aiwatch-gpu-fleet/XIDs in the last 24 h", "no XID happens on healthy (simulated) GPUs"),
            Map.entry("aiwatch-gpu-node/XID events", "no XID happens on healthy (simulated) GPUs"),
            Map.entry(
                    "aiwatch-storage/Hours until full (at the last 6 h rate)",
                    "no filesystem shrinks steadily during the test"),
            Map.entry(
                    "aiwatch-inference/Energy per output token",
                    "the shortest window is a minute of history; the test runs for less (exact values: DaemonEnergyPerTokenTest)"),
            Map.entry(
                    "aiwatch-inference/Energy per request",
                    "the shortest window is a minute of history; the test runs for less (exact values: DaemonEnergyPerTokenTest)"),
            Map.entry("aiwatch-storage/ARC hit ratio", "the test machine has no ZFS"),
            Map.entry("aiwatch-storage/Pool state", "the test machine has no ZFS"));

    /** Inference panels that may be empty where Prometheus scrapes vLLM directly (B), and why. */
    static final Map<String, String> EMPTY_WITH_VLLM_DIRECT = Map.of(
            "aiwatch-inference/Windowed p99 computed by aiwatch",
                    "aiwatch computes these quantiles; B drops its re-export",
            "aiwatch-inference/Scrape errors", "aiwatch's own scrape of its targets; B drops its re-export",
            "aiwatch-inference/Scrape duration", "aiwatch's own scrape of its targets; B drops its re-export",
            "aiwatch-inference/Energy per output token", "aiwatch joins GPUs and servers; B drops its re-export",
            "aiwatch-inference/Energy per request", "aiwatch joins GPUs and servers; B drops its re-export");

    /** Variables that may have no values in B: the label is absent there on purpose. */
    static final Set<String> ABSENT_IN_B = Set.of("cluster");

    @Test
    void everyPanelQueryRunsAndReturnsDataFromTheSimulatedStack(@TempDir Path dir) throws Exception {
        Path prometheus = ExternalProgram.require("/usr/bin/prometheus", "prometheus");
        int daemonPort = ExternalProgram.freePort();
        int simPort = ExternalProgram.freePort();
        int proxyPort = ExternalProgram.freePort();
        int loadgenPort = ExternalProgram.freePort();
        int promPort = ExternalProgram.freePort();
        int directPort = ExternalProgram.freePort();
        Path config = Files.writeString(dir.resolve("aiwatch.yaml"), """
                listen: 127.0.0.1:%d
                gpu:
                  simulate: 2
                  collectors_file: '%s'
                simulator:
                  port: %d
                  speed: 10
                proxy:
                  upstream: http://127.0.0.1:%d
                  port: %d
                storage:
                  process_patterns: ["aiwatch"]
                inference:
                  discovery: {enabled: true, process_pattern: 'aiwatch', pods: 'false'}
                """.formatted(
                daemonPort, RuleFiles.ALERTS.resolve("counters.csv").toAbsolutePath(), simPort, simPort, proxyPort));
        String ruleFiles = RuleFiles.ruleFiles().stream()
                .map(p -> "'" + p.toAbsolutePath() + "'")
                .collect(Collectors.joining(", "));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                rule_files: [%s]
                scrape_configs:
                  - {job_name: aiwatch, static_configs: [{targets: ['127.0.0.1:%d'], labels: {cluster: it}}]}
                  - {job_name: loadgen, static_configs: [{targets: ['127.0.0.1:%d'], labels: {cluster: it}}]}
                """.formatted(ruleFiles, daemonPort, loadgenPort));
        Files.writeString(
                dir.resolve("prometheus-direct.yml"), """
                global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                rule_files: [%s]
                scrape_configs:
                  - job_name: aiwatch
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                    metric_relabel_configs: [{source_labels: [__name__], regex: 'aiwatch_inference_.*', action: drop}]
                  - {job_name: vllm, static_configs: [{targets: ['127.0.0.1:%d']}]}
                  - {job_name: loadgen, static_configs: [{targets: ['127.0.0.1:%d']}]}
                """.formatted(ruleFiles, daemonPort, simPort, loadgenPort));
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
                                "--web.listen-address=127.0.0.1:" + promPort));
                var direct = ExternalProgram.start(
                        dir,
                        "prometheus-direct",
                        List.of(
                                prometheus.toString(),
                                "--config.file=" + dir.resolve("prometheus-direct.yml"),
                                "--storage.tsdb.path=" + dir.resolve("data-direct"),
                                "--web.listen-address=127.0.0.1:" + directPort))) {
            String api = "http://127.0.0.1:" + promPort + "/api/v1/";
            String directApi = "http://127.0.0.1:" + directPort + "/api/v1/";
            HttpGet.await(
                    "http://127.0.0.1:" + daemonPort + "/ready", r -> r.statusCode() == 200, Duration.ofSeconds(40));
            HttpGet.await(
                    api + "query?query=" + enc("up{job=\"aiwatch\"} == 1"),
                    r -> r.body().contains("\"value\""),
                    Duration.ofSeconds(30));
            HttpGet.await(
                    directApi + "query?query=" + enc("up{job=\"vllm\"} == 1"),
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
            HttpGet.await(
                    directApi + "query_range?"
                            + range("aiwatch:inference_slo_errors:ratio_rate5m{model_name=~\".+\"}", start),
                    r -> r.body().contains("\"values\""),
                    Duration.ofSeconds(20));
            assertThat(HttpGet.get(directApi + "query?query=" + enc("count({__name__=~\"aiwatch_inference_.*\"})"))
                            .body())
                    .as("B sees no aiwatch_inference_* series")
                    .doesNotContain("\"value\"");

            List<String> failures = new ArrayList<>();
            int queries = checkPanels(api, Dashboards.files(), start, EMPTY_BY_DESIGN, failures, "A");
            for (Path f : Dashboards.files()) {
                failures.addAll(variableProblems(api, f, start, Set.of()));
            }
            Path inference = Dashboards.DIR.resolve("inference.json");
            int directQueries =
                    checkPanels(directApi, List.of(inference), start, EMPTY_WITH_VLLM_DIRECT, failures, "B");
            failures.addAll(variableProblems(directApi, inference, start, ABSENT_IN_B));
            assertThat(failures)
                    .as("dashboard queries that failed or returned nothing")
                    .isEmpty();
            assertThat(directQueries).as("inference queries run against B").isGreaterThanOrEqualTo(30);
            assertThat(queries).isGreaterThanOrEqualTo(100);
            assertThat(Stream.concat(EMPTY_BY_DESIGN.keySet().stream(), EMPTY_WITH_VLLM_DIRECT.keySet().stream()))
                    .as("every listed panel exists")
                    .allSatisfy(k -> assertThat(Dashboards.files().stream()
                                    .flatMap(f -> Dashboards.queries(f).stream())
                                    .anyMatch(q -> q.key().equals(k)))
                            .as(k)
                            .isTrue());

            for (String rulesApi : List.of(api, directApi)) {
                JsonNode groups = JSON.readTree(HttpGet.get(rulesApi + "rules").body())
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
                assertThat(ruleErrors)
                        .as("rules Prometheus could not evaluate (" + rulesApi + ")")
                        .isEmpty();
                assertThat(rules).isEqualTo(RuleFiles.rules().size());
            }
            assertThat(daemon.isAlive()).as(daemon.log()).isTrue();
            assertThat(prom.isAlive()).as(prom.log()).isTrue();
            assertThat(direct.isAlive()).as(direct.log()).isTrue();
        }
    }

    /**
     * Runs every panel query of {@code files} as a range query; adds a line to {@code failures}
     * for an error, or for no data outside {@code emptyByDesign}. Returns the number of queries.
     */
    private static int checkPanels(
            String api,
            List<Path> files,
            long start,
            Map<String, String> emptyByDesign,
            List<String> failures,
            String prometheus)
            throws Exception {
        Map<String, String> emptyAsExpected = new TreeMap<>();
        int queries = 0;
        for (Path f : files) {
            for (Dashboards.Query q : Dashboards.queries(f)) {
                queries++;
                String expr = Dashboards.substitute(q.expr());
                JsonNode answer = JSON.readTree(
                        HttpGet.get(api + "query_range?" + range(expr, start)).body());
                if (!"success".equals(answer.path("status").asText())) {
                    failures.add(prometheus + " " + q.key() + " [" + q.refId() + "] error "
                            + answer.path("error").asText() + ": " + expr);
                } else if (answer.path("data").path("result").isEmpty()) {
                    if (emptyByDesign.containsKey(q.key())) {
                        emptyAsExpected.put(q.key(), emptyByDesign.get(q.key()));
                    } else {
                        failures.add(prometheus + " " + q.key() + " [" + q.refId() + "] empty: " + expr);
                    }
                }
            }
        }
        System.out.printf(
                "dashboard queries on %s: %d run, %d empty by design: %s%n",
                prometheus, queries, emptyAsExpected.size(), emptyAsExpected);
        return queries;
    }

    /**
     * Every query variable must give at least one value (except those in {@code mayBeEmpty}):
     * {@code label_values(selector, label)} through the label values API, {@code query_result(expr)}
     * as Grafana does, an instant query whose results, written {@code {labels} value time}, the
     * variable's regex picks its values from.
     */
    private static List<String> variableProblems(String api, Path dashboard, long start, Set<String> mayBeEmpty)
            throws Exception {
        List<String> problems = new ArrayList<>();
        long end = System.currentTimeMillis() / 1000;
        for (JsonNode v : Dashboards.variables(Dashboards.read(dashboard)).values()) {
            String name = v.path("name").asText();
            if (!v.path("type").asText().equals("query") || mayBeEmpty.contains(name)) {
                continue;
            }
            String definition = v.path("definition").asText();
            Set<String> values = new TreeSet<>();
            Matcher m = LABEL_VALUES.matcher(definition);
            Matcher qr = QUERY_RESULT.matcher(definition);
            if (m.matches()) {
                String url = api + "label/" + m.group(2) + "/values?match[]=" + enc(Dashboards.substitute(m.group(1)))
                        + "&start=" + start + "&end=" + end;
                JSON.readTree(HttpGet.get(url).body()).path("data").forEach(x -> values.add(x.asText()));
            } else if (qr.matches()) {
                String regex = v.path("regex").asText().replaceAll("^/|/[a-z]*$", "");
                JsonNode result = JSON.readTree(
                                HttpGet.get(api + "query?query=" + enc(Dashboards.substitute(qr.group(1))))
                                        .body())
                        .path("data")
                        .path("result");
                for (JsonNode r : result) {
                    StringBuilder text = new StringBuilder("{");
                    r.path("metric")
                            .fields()
                            .forEachRemaining(e -> text.append(e.getKey())
                                    .append("=\"")
                                    .append(e.getValue().asText())
                                    .append("\","));
                    text.append("} ").append(r.path("value").get(1).asText());
                    Matcher picked = Pattern.compile(regex).matcher(text);
                    if (picked.find()) {
                        values.add(picked.group(1));
                    }
                }
            } else {
                problems.add(
                        dashboard + " $" + name + ": neither label_values(selector, label) nor query_result(expr)");
                continue;
            }
            if (values.isEmpty()) {
                problems.add(api + " " + dashboard.getFileName() + " $" + name + " has no values: " + definition);
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
