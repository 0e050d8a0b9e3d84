package io.aiwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.it.ExternalProgram;
import io.aiwatch.it.HttpGet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated stack is driven into thermal throttling (hot inlet air, GPUs loaded by the vLLM
 * simulator) and into a latency-objective breach (the simulator overloaded by the load generator),
 * and a real Alertmanager receives both alerts twice: once from a real Prometheus evaluating the
 * shipped rules, once from the daemon's own evaluator, with the same labels.
 *
 * <p>The shipped rules wait 10 minutes and more; to run in about two minutes, both evaluators get
 * the same time-compressed copy of {@code alerts/*.rules.yml}: every range and {@code for:} duration
 * divided by 60 (10m becomes 10s, 1h becomes 1m). Expressions, labels and annotations are the
 * shipped ones; their behaviour at full length is covered by the promtool rule tests.
 */
class AlertingEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("\\[(\\d+)([mhd])]");
    private static final Pattern FOR = Pattern.compile("^(\\s*(?:for|keep_firing_for):\\s*)(\\d+)([mhd])\\s*$");

    /** 1m → 1s: seconds per compressed unit. */
    static String compress(long n, String unit) {
        long minutes = switch (unit) {
            case "m" -> n;
            case "h" -> n * 60;
            default -> n * 60 * 24;
        };
        return minutes + "s";
    }

    static String compressRules(String yaml) {
        StringBuilder out = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            Matcher f = FOR.matcher(line);
            if (f.matches()) {
                line = f.group(1) + compress(Long.parseLong(f.group(2)), f.group(3));
            } else if (line.trim().startsWith("expr:")) {
                Matcher r = RANGE.matcher(line);
                StringBuilder sb = new StringBuilder();
                while (r.find()) {
                    r.appendReplacement(sb, "[" + compress(Long.parseLong(r.group(1)), r.group(2)) + "]");
                }
                r.appendTail(sb);
                line = sb.toString();
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    @Test
    void thermalThrottlingAndLatencyBurnReachAlertmanagerFromPrometheusAndFromTheDaemonAlike(@TempDir Path dir)
            throws Exception {
        Path prometheus = ExternalProgram.require("/usr/bin/prometheus", "prometheus");
        Path alertmanager = ExternalProgram.require("/usr/bin/prometheus-alertmanager", "prometheus-alertmanager");
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (Stream<Path> files = Files.list(Path.of("alerts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".rules.yml")).toList()) {
                Files.writeString(rules.resolve(f.getFileName()), compressRules(Files.readString(f)));
            }
        }
        int amPort = ExternalProgram.freePort();
        int daemonPort = ExternalProgram.freePort();
        int simPort = ExternalProgram.freePort();
        int promPort = ExternalProgram.freePort();
        Files.writeString(dir.resolve("am.yml"), "route: {receiver: sink}\nreceivers: [{name: sink}]\n");
        Path config = Files.writeString(
                dir.resolve("aiwatch.yaml"), """
                listen: 127.0.0.1:%d
                gpu:
                  simulate: 2
                  simulate_ambient_celsius: 50
                simulator:
                  port: %d
                  max_num_seqs: 4
                  prefill_tokens_per_second: 400
                alerting:
                  rule_files: ['%s/*.rules.yml']
                  evaluation_interval: 1s
                  resend_delay: 2s
                  alertmanagers: [{url: 'http://127.0.0.1:%d'}]
                  external_labels: {source: daemon}
                  target_labels: {instance: '127.0.0.1:%d', job: aiwatch}
                """.formatted(daemonPort, simPort, rules, amPort, daemonPort));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s, external_labels: {source: prometheus}}
                rule_files: ['%s/*.rules.yml']
                alerting: {alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%d']}]}]}
                scrape_configs:
                  - {job_name: aiwatch, static_configs: [{targets: ['127.0.0.1:%d']}]}
                """.formatted(rules, amPort, daemonPort));
        List<String> load = new ArrayList<>(ExternalProgram.java(
                "loadgen",
                "--base-url",
                "http://127.0.0.1:" + simPort,
                "--model",
                "sim-llama-3.1-8b",
                "--random-input-len",
                "512",
                "--random-output-len",
                "16",
                "--request-rate",
                "6",
                "--duration",
                "150",
                "--request-timeout",
                "120",
                "--no-progress"));
        try (var am = ExternalProgram.start(
                        dir,
                        "alertmanager",
                        List.of(
                                alertmanager.toString(),
                                "--config.file=" + dir.resolve("am.yml"),
                                "--storage.path=" + dir.resolve("am"),
                                "--web.listen-address=127.0.0.1:" + amPort,
                                "--cluster.listen-address="));
                var daemon = ExternalProgram.start(
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
            try (var loadgen = ExternalProgram.start(dir, "loadgen", load)) {
                String alerts = "http://127.0.0.1:" + amPort + "/api/v2/alerts";
                try {
                    HttpGet.await(
                            alerts,
                            r -> {
                                Map<String, Map<String, TreeSet<String>>> bySource = bySource(r.body());
                                return List.of("prometheus", "daemon").stream()
                                        .allMatch(src -> bySource.getOrDefault(src, Map.of())
                                                .keySet()
                                                .containsAll(
                                                        List.of("GpuThermalThrottling", "InferenceLatencyBudgetBurn")));
                            },
                            Duration.ofSeconds(170));
                } catch (AssertionError e) {
                    Map<String, java.util.Set<String>> names = new TreeMap<>();
                    bySource(HttpGet.get(alerts).body()).forEach((src, m) -> names.put(src, m.keySet()));
                    throw new AssertionError("alert names by source at Alertmanager: " + names, e);
                }
                Map<String, Map<String, TreeSet<String>>> bySource =
                        bySource(HttpGet.get(alerts).body());
                for (String alert : List.of("GpuThermalThrottling", "InferenceLatencyBudgetBurn")) {
                    TreeSet<String> fromPrometheus = bySource.get("prometheus").get(alert);
                    TreeSet<String> fromDaemon = bySource.get("daemon").get(alert);
                    // Each evaluator may have fired more instances of the alert by now; those both fired agree exactly.
                    TreeSet<String> common = new TreeSet<>(fromPrometheus);
                    common.retainAll(fromDaemon);
                    assertThat(common)
                            .as(alert + ": alerts with identical labels from both evaluators\nprometheus: "
                                    + fromPrometheus + "\ndaemon: " + fromDaemon)
                            .isNotEmpty();
                }
                assertThat(daemon.isAlive()).as(daemon.log()).isTrue();
                assertThat(prom.isAlive()).as(prom.log()).isTrue();
                assertThat(am.isAlive()).as(am.log()).isTrue();
            }
        }
    }

    /** source → alertname → label sets (without the {@code source} label), as sorted strings. */
    private static Map<String, Map<String, TreeSet<String>>> bySource(String body) {
        Map<String, Map<String, TreeSet<String>>> result = new TreeMap<>();
        try {
            for (JsonNode a : JSON.readTree(body)) {
                Map<String, String> labels = new TreeMap<>();
                a.path("labels")
                        .fields()
                        .forEachRemaining(
                                e -> labels.put(e.getKey(), e.getValue().asText()));
                String source = labels.remove("source");
                if (source == null) {
                    continue;
                }
                result.computeIfAbsent(source, k -> new TreeMap<>())
                        .computeIfAbsent(labels.get("alertname"), k -> new TreeSet<>())
                        .add(labels.toString());
            }
        } catch (IOException e) {
            return Map.of();
        }
        return result;
    }
}
