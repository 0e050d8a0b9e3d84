package io.aiwatch.reader.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A collector that refuses or is gone: the exporter retries, keeps one batch at most, and recovers. */
class OtlpFailureTest {
    private static final RetryPolicy FAST_RETRY = RetryPolicy.builder()
            .setMaxAttempts(5)
            .setInitialBackoff(Duration.ofMillis(10))
            .setMaxBackoff(Duration.ofMillis(40))
            .setBackoffMultiplier(1.5)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {"http", "grpc"})
    void retriesAnUnavailableCollectorWithBackoffThenRecovers(String transport) throws Exception {
        OtlpFixtures fx = new OtlpFixtures();
        try (OtlpReceiver rx = transport.equals("grpc") ? OtlpReceiver.grpc() : OtlpReceiver.http();
                OtlpExporter exp = OtlpWireTest.exporter(fx, rx, FAST_RETRY)) {
            rx.failWith = 503; // HTTP 503 / gRPC UNAVAILABLE: retryable in both
            exp.tick();
            assertThat(exp.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(rx.attempts.get()).isEqualTo(5); // the SDK's RetryPolicy: 5 attempts, then give up
            assertThat(exp.failures()).isEqualTo(1);
            assertThat(exp.successes()).isZero();
            assertThat(rx.requests).isEmpty();

            rx.failWith = 0;
            exp.tick();
            rx.await(1);
            assertThat(exp.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(exp.successes()).isEqualTo(1);
            assertThat(familyValue(exp, "aiwatch_otlp_exports_total", "failure"))
                    .isEqualTo(1);
            assertThat(familyValue(exp, "aiwatch_otlp_exports_total", "success"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aDeadCollectorCostsOneBatchAtMostOverManyIntervals() throws Exception {
        OtlpFixtures fx = new OtlpFixtures();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        OtlpConfig config = new OtlpConfig(
                true, "http://127.0.0.1:" + deadPort, "http/protobuf", Map.of(), null, "1s", null, Map.of());
        RetryPolicy slowRetry = RetryPolicy.builder()
                .setMaxAttempts(5)
                .setInitialBackoff(Duration.ofMillis(100))
                .setMaxBackoff(Duration.ofMillis(200))
                .build();
        var producer = new StoreMetricProducer(fx.store, "t");
        try (OtlpExporter exp = new OtlpExporter(
                producer,
                OtlpResource.build("t", "h", Map.of(), Map.of()),
                OtlpExporter.sdkExporter(OtlpSettings.resolve(config, Map.of()), slowRetry),
                fx.clock)) {
            int ticks = 300;
            int series = -1;
            for (int i = 0; i < ticks; i++) {
                exp.tick();
                assertThat(exp.inFlight()).isLessThanOrEqualTo(1);
                if (i % 50 == 0) {
                    fx.clock.advance(Duration.ofSeconds(1));
                    fx.publishAll(100 + i); // the store moves on, as it does in the daemon
                }
                if (series < 0 && producer.trackedSeries() > 0) {
                    series = producer.trackedSeries();
                }
                Thread.sleep(5);
            }
            assertThat(exp.awaitIdle(Duration.ofSeconds(10))).isTrue();
            // Every tick either exported (and failed after its retries) or was skipped: nothing queued.
            assertThat(exp.failures() + exp.skipped()).isEqualTo(ticks);
            assertThat(exp.failures()).isBetween(1L, 20L);
            assertThat(exp.skipped()).isGreaterThan(ticks / 2);
            assertThat(exp.successes()).isZero();
            // The bridge's only state follows the store, not the number of failed intervals.
            assertThat(producer.trackedSeries()).isEqualTo(series).isPositive();
        }
    }

    private static double familyValue(OtlpExporter exp, String family, String result) {
        return exp.families().stream()
                .filter(f -> f.name().equals(family))
                .flatMap(f -> f.samples().stream())
                .filter(s -> result.equals(s.labels().get("result")))
                .findFirst()
                .orElseThrow()
                .value();
    }
}
