package io.aiwatch.reader.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.it.HttpGet;
import io.aiwatch.source.gpu.GpuConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code alerting:} config section and the daemon running the evaluator over its own samples. */
class AlertingWiringTest {
    @TempDir
    Path dir;

    @Test
    void readsTheAlertingSection() throws Exception {
        Path cfg = Files.writeString(dir.resolve("aiwatch.yaml"), """
                alerting:
                  rule_files: [/etc/aiwatch/alerts/*.yml]
                  evaluation_interval: 2s
                  alertmanagers:
                    - url: http://127.0.0.1:9093
                    - url: http://am2:9093/prefix
                  resend_delay: 30s
                  queue_capacity: 500
                  external_labels: {cluster: a}
                """);
        AlertingConfig a = new ConfigLoader().load(cfg, DaemonConfig.class).alerting();
        assertThat(a.enabled()).isTrue();
        assertThat(a.evaluationInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.alertmanagers()).hasSize(2);
        assertThat(a.resendDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.queueCapacity()).isEqualTo(500);
        assertThat(a.externalLabels()).containsEntry("cluster", "a");
        assertThat(a.lookbackDelta()).isEqualTo(Duration.ofMinutes(5));
        assertThat(DaemonConfig.defaults().alerting().enabled()).isFalse();
    }

    @Test
    void refusesBadAlertingKeysWithFileAndLine() throws Exception {
        Path cfg = Files.writeString(dir.resolve("aiwatch.yaml"), "alerting:\n  rule_file: [x]\n");
        assertThatThrownBy(() -> new ConfigLoader().load(cfg, DaemonConfig.class))
                .hasMessageStartingWith(cfg + ":2")
                .hasMessageContaining("rule_file");
        Path bad = Files.writeString(dir.resolve("b.yaml"), "alerting:\n  alertmanagers:\n    - url: ftp://x\n");
        assertThatThrownBy(() -> new ConfigLoader().load(bad, DaemonConfig.class))
                .hasMessageStartingWith(bad + ":")
                .hasMessageContaining("alerting.alertmanagers[0]")
                .hasMessageContaining("not an http(s) URL");
    }

    private DaemonConfig daemon(Path rules) {
        return DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withSimulate(1))
                .withAlerting(AlertingConfig.of(
                        List.of(rules.toString()), "500ms", null, null, null, null, null, null, null, null));
    }

    @Test
    void daemonRefusesToStartWithARuleOutsideTheSubset() throws Exception {
        Path rules = Files.writeString(dir.resolve("r.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: Fine
                        expr: DCGM_FI_DEV_GPU_TEMP > 90
                      - alert: NotSupported
                        expr: DCGM_FI_DEV_GPU_TEMP > 90 offset 5m
                """);
        assertThatThrownBy(() -> Daemon.start(daemon(rules), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(rules + ":7: expression outside the supported PromQL subset");
    }

    @Test
    void daemonEvaluatesRulesOverItsOwnSamples() throws Exception {
        Path rules = Files.writeString(dir.resolve("r.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: GpuWarm
                        expr: DCGM_FI_DEV_GPU_TEMP > 0
                      - alert: NeverFires
                        expr: DCGM_FI_DEV_GPU_TEMP > 1000
                """);
        try (Daemon d = Daemon.start(daemon(rules), Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + d.port() + "/metrics";
            String body = HttpGet.await(
                            url,
                            r -> r.body().contains("aiwatch_alerts{alertstate=\"firing\"} 1"),
                            Duration.ofSeconds(15))
                    .body();
            assertThat(body)
                    .contains("aiwatch_alert_history_series 1")
                    .contains("aiwatch_alert_rule_evaluation_failures_total 0");
        }
    }

    @Test
    void daemonEvaluatesTheShippedRulesOnSimulatedGpusWithoutErrors() throws Exception {
        DaemonConfig cfg = DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withSimulate(2))
                .withAlerting(AlertingConfig.of(
                        List.of("alerts/*.yml"), "500ms", null, null, null, null, null, null, null, null));
        try (Daemon d = Daemon.start(cfg, Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + d.port() + "/metrics";
            String body = HttpGet.await(
                            url,
                            r -> r.body().matches("(?s).*aiwatch_alert_rule_group_evaluations_total [1-9][0-9]+.*"),
                            Duration.ofSeconds(20))
                    .body();
            assertThat(body)
                    .contains("aiwatch_alert_rule_evaluation_failures_total 0")
                    .contains("aiwatch_alert_history_series ");
        }
    }
}
