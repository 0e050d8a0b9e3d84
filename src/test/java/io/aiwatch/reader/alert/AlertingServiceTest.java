package io.aiwatch.reader.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.alert.notify.AlertmanagerSender;
import io.aiwatch.reader.alert.rules.AlertState;
import io.aiwatch.testing.ManualClock;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store → history → evaluation → every Alertmanager, driven by a manual clock. */
class AlertingServiceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private HttpServer up;
    private HttpServer down;
    private final AtomicInteger posts = new AtomicInteger();

    @TempDir
    Path dir;

    private HttpServer server(int status) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/api/v2/alerts", ex -> {
            ex.getRequestBody().readAllBytes();
            if (status == 200) {
                posts.incrementAndGet();
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        s.start();
        return s;
    }

    @AfterEach
    void stop() {
        if (up != null) {
            up.stop(0);
            down.stop(0);
        }
    }

    @Test
    void sendsToEveryAlertmanagerIndependentlyAndEvaluatesGroupsAtTheirInterval() throws Exception {
        up = server(200);
        down = server(503);
        Path rules = Files.writeString(dir.resolve("r.yml"), """
                groups:
                  - name: fast
                    rules:
                      - alert: Hot
                        expr: temp > 80
                        for: 2s
                  - name: slow
                    interval: 10s
                    rules:
                      - alert: Warm
                        expr: temp > 50
                """);
        AlertingConfig config = AlertingConfig.of(
                List.of(rules.toString()),
                "1s",
                null,
                List.of(
                        AlertingConfig.Target.of(
                                "http://127.0.0.1:" + up.getAddress().getPort()),
                        AlertingConfig.Target.of(
                                "http://127.0.0.1:" + down.getAddress().getPort())),
                null,
                null,
                null,
                Map.of(),
                null,
                null);
        ManualClock clock = new ManualClock(T0);
        SnapshotStore store = new SnapshotStore(clock);
        store.register("gpu", Duration.ofSeconds(1), Duration.ofSeconds(4));
        AlertmanagerSender.Settings fast = new AlertmanagerSender.Settings(
                100, 64, Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(50));
        try (AlertingService service = AlertingService.create(config, store, clock, fast)) {
            for (int s = 0; s <= 3; s++) {
                store.publish(
                        "gpu",
                        Snapshot.of(List.of(MetricFamily.builder("temp", MetricType.GAUGE, "t")
                                .add(Labels.of("gpu", "0"), 90)
                                .build())),
                        clock.instant(),
                        0,
                        0);
                service.tick(clock.instant());
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(service.alerts())
                    .extracting(
                            a -> a.labels().get("alertname") + "=" + a.state().label())
                    .containsExactlyInAnyOrder("Hot=firing", "Warm=firing");
            assertThat(sample(service, "aiwatch_alert_rule_group_evaluations_total"))
                    .isEqualTo(5);
            AlertmanagerSender ok = service.senders().get(0);
            AlertmanagerSender failing = service.senders().get(1);
            for (int i = 0; i < 200 && (ok.sent() < 2 || failing.errors() < 4); i++) {
                Thread.sleep(20);
            }
            assertThat(ok.sent()).isEqualTo(2);
            assertThat(ok.queueLength()).isZero();
            assertThat(failing.errors()).isGreaterThanOrEqualTo(4);
            assertThat(failing.queueLength()).isEqualTo(2);
            assertThat(sample(service, "aiwatch_alerts", "alertstate", "firing"))
                    .isEqualTo(2);
            assertThat(service.families())
                    .filteredOn(f -> f.name().equals("aiwatch_alertmanager_queue_length"))
                    .singleElement()
                    .extracting(f -> f.samples().size())
                    .isEqualTo(2);

            // The collector goes stale: its series get staleness markers and the alerts resolve.
            clock.advance(Duration.ofSeconds(10));
            service.tick(clock.instant());
            assertThat(service.alerts()).extracting(AlertState::state).containsOnly(AlertState.State.INACTIVE);
        }
    }

    @Test
    void refusesTheSameAlertmanagerTwice() {
        assertThatThrownBy(() -> AlertingConfig.of(
                        List.of("x"),
                        null,
                        null,
                        List.of(
                                AlertingConfig.Target.of("http://am:9093"),
                                AlertingConfig.Target.of("http://am:9093/other")),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null))
                .hasMessageContaining("listed twice");
    }

    private static double sample(AlertingService s, String family, String... labels) {
        return s.families().stream()
                .filter(f -> f.name().equals(family))
                .flatMap(f -> f.samples().stream())
                .filter(x -> labels.length == 0 || labels[1].equals(x.labels().get(labels[0])))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElseThrow();
    }
}
