package io.aiwatch.reader.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queueing, retry and drop behaviour against a scripted HTTP endpoint. */
class AlertmanagerSenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;
    private AlertmanagerSender sender;

    private URI start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/prefix/api/v2/alerts", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            int code = status.get();
            if (code == 200) {
                received.add(JSON.readTree(body));
            }
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prefix/");
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static PostableAlert alert(String gpu, int endSecond) {
        return new PostableAlert(
                new TreeMap<>(Map.of("alertname", "A", "gpu", gpu)),
                Map.of("summary", "s" + endSecond),
                Instant.ofEpochSecond(1),
                Instant.ofEpochSecond(endSecond),
                null);
    }

    private static void await(BooleanSupplier ok) throws InterruptedException {
        for (int i = 0; i < 200 && !ok.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(ok.getAsBoolean()).isTrue();
    }

    @Test
    void postsAJsonArrayOfPostableAlerts() throws Exception {
        sender = new AlertmanagerSender(start(), AlertmanagerSender.Settings.defaults());
        sender.enqueue(List.of(alert("0", 100)));
        await(() -> sender.sent() == 1);
        JsonNode a = received.get(0).get(0);
        assertThat(received.get(0).isArray()).isTrue();
        assertThat(a.path("labels").path("gpu").asText()).isEqualTo("0");
        assertThat(a.path("startsAt").asText()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(a.path("endsAt").asText()).isEqualTo("1970-01-01T00:01:40Z");
        assertThat(a.has("generatorURL")).isFalse();
        assertThat(contentTypes).containsOnly("application/json");
        assertThat(sender.name()).startsWith("127.0.0.1:");
    }

    @Test
    void keepsTheNewestNotificationPerAlertAndRetriesUntilAlertmanagerAnswers() throws Exception {
        status.set(503);
        sender = new AlertmanagerSender(
                start(),
                new AlertmanagerSender.Settings(
                        10, 64, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(100)));
        sender.enqueue(List.of(alert("0", 100)));
        sender.enqueue(List.of(alert("0", 200), alert("1", 100)));
        await(() -> sender.errors() >= 4);
        assertThat(sender.queueLength()).isEqualTo(2);
        status.set(200);
        await(() -> sender.queueLength() == 0);
        JsonNode last = received.get(received.size() - 1);
        assertThat(last).hasSize(2);
        assertThat(last.get(0).path("annotations").path("summary").asText()).isEqualTo("s200");
        assertThat(sender.dropped()).isZero();
        assertThat(sender.sent()).isEqualTo(2);
    }

    @Test
    void dropsTheOldestWhenFullAndInvalidBatchesOnA4xx() throws Exception {
        status.set(503);
        sender = new AlertmanagerSender(
                start(),
                new AlertmanagerSender.Settings(
                        2, 64, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(50)));
        sender.enqueue(List.of(alert("0", 100), alert("1", 100), alert("2", 100)));
        assertThat(sender.dropped()).isEqualTo(1);
        status.set(400);
        await(() -> sender.queueLength() == 0);
        assertThat(sender.dropped()).isEqualTo(3);
        assertThat(received).isEmpty();
    }
}
