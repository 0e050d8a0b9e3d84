package io.aiwatch.reader.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.it.ExternalProgram;
import io.aiwatch.it.HttpGet;
import io.aiwatch.reader.alert.notify.AlertmanagerSender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery to a real Alertmanager 0.25 (Debian {@code prometheus-alertmanager}): a firing alert
 * arrives with Prometheus' startsAt/endsAt; an alert raised while Alertmanager is down arrives
 * once it is back on the same port; a resolved alert ends there long before its validity would
 * have run out.
 */
class AlertmanagerDeliveryIT {
    private static final String BINARY = "/usr/bin/prometheus-alertmanager";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private int port;

    private ExternalProgram startAlertmanager() throws Exception {
        Files.writeString(dir.resolve("am.yml"), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
        Files.createDirectories(dir.resolve("data"));
        ExternalProgram am = ExternalProgram.start(
                dir,
                "alertmanager-" + System.nanoTime(),
                List.of(
                        BINARY,
                        "--config.file=" + dir.resolve("am.yml"),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="));
        HttpGet.await("http://127.0.0.1:" + port + "/-/ready", r -> r.statusCode() == 200, Duration.ofSeconds(20));
        return am;
    }

    private static Snapshot temperatures(double gpu0, double gpu1) {
        return Snapshot.of(List.of(MetricFamily.builder("test_gpu_temp", MetricType.GAUGE, "t")
                .add(Labels.of("gpu", "0"), gpu0)
                .add(Labels.of("gpu", "1"), gpu1)
                .build()));
    }

    @Test
    void deliversFiringAlertsSurvivesAnOutageAndEndsResolvedOnes() throws Exception {
        ExternalProgram.require(BINARY, "prometheus-alertmanager");
        port = ExternalProgram.freePort();
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                groups:
                  - name: t
                    interval: 200ms
                    rules:
                      - alert: GpuHot
                        expr: test_gpu_temp > 80
                        labels: {severity: critical}
                        annotations: {summary: "GPU {{ $labels.gpu }} at {{ $value }}"}
                """);
        AlertingConfig config = AlertingConfig.of(
                List.of(rules.toString()),
                "200ms",
                null,
                List.of(AlertingConfig.Target.of("http://127.0.0.1:" + port)),
                "60s",
                100,
                null,
                Map.of("node", "n1"),
                "http://n1:9400",
                null);
        SnapshotStore store = new SnapshotStore(Clock.systemUTC());
        store.register("test", Duration.ofSeconds(1), Duration.ofHours(1));
        AlertmanagerSender.Settings fast = new AlertmanagerSender.Settings(
                100, 64, Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(500));
        String alertsUrl = "http://127.0.0.1:" + port + "/api/v2/alerts";
        try (AlertingService service = AlertingService.create(config, store, Clock.systemUTC(), fast)) {
            ExternalProgram am = startAlertmanager();
            try {
                store.publish("test", temperatures(90, 50), Instant.now(), 0, 0);
                Instant before = Instant.now();
                JsonNode firing = awaitAlerts(service, alertsUrl, a -> a.size() == 1);
                JsonNode alert = firing.get(0);
                assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("GpuHot");
                assertThat(alert.path("labels").path("gpu").asText()).isEqualTo("0");
                assertThat(alert.path("labels").path("node").asText()).isEqualTo("n1");
                assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("GPU 0 at 90");
                assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
                assertThat(alert.path("generatorURL").asText())
                        .startsWith("http://n1:9400/graph?g0.expr=test_gpu_temp");
                Instant starts = Instant.parse(alert.path("startsAt").asText());
                Instant ends = Instant.parse(alert.path("endsAt").asText());
                assertThat(starts).isAfterOrEqualTo(before.minusSeconds(1)).isBefore(Instant.now());
                // endsAt = send time + 4 x max(200ms, resend_delay 60s)
                assertThat(Duration.between(starts, ends)).isBetween(Duration.ofSeconds(239), Duration.ofSeconds(241));
            } finally {
                am.close();
            }

            // Outage: GPU 1 gets hot while Alertmanager is down.
            store.publish("test", temperatures(90, 95), Instant.now(), 0, 0);
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                service.tick(Instant.now());
                Thread.sleep(200);
            }
            AlertmanagerSender sender = service.senders().get(0);
            assertThat(sender.errors()).isPositive();
            assertThat(sender.queueLength()).isPositive();
            assertThat(sender.dropped()).isZero();

            am = startAlertmanager();
            try {
                // GPU 1's alert was first sent during the outage; with a 60 s resend delay only the retry queue can
                // bring it now.
                JsonNode back = awaitAlerts(service, alertsUrl, a -> gpus(a).contains("1"));
                assertThat(back.size()).isEqualTo(1);

                // GPU 1 cools down: the resolved notification ends it at once, long before its endsAt (4 min).
                store.publish("test", temperatures(90, 50), Instant.now(), 0, 0);
                long t0 = System.nanoTime();
                awaitAlerts(service, alertsUrl, a -> !gpus(a).contains("1"));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
                assertThat(service.families())
                        .anySatisfy(f -> assertThat(f.name()).isEqualTo("aiwatch_alertmanager_sent_total"));
                assertThat(sender.sent()).isGreaterThanOrEqualTo(3);
                assertThat(sender.queueLength()).isZero();
            } finally {
                am.close();
            }
        }
    }

    private static List<String> gpus(JsonNode alerts) {
        List<String> gpus = new ArrayList<>();
        alerts.forEach(a -> gpus.add(a.path("labels").path("gpu").asText()));
        return gpus;
    }

    /** Ticks the evaluator every 200 ms and polls Alertmanager until its alert list satisfies {@code ok}. */
    private static JsonNode awaitAlerts(AlertingService service, String url, Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            service.tick(Instant.now());
            last = JSON.readTree(HttpGet.get(url).body());
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Alertmanager never showed the expected alerts; last: " + last);
    }
}
