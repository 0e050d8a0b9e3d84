package io.aiwatch.reader.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.reader.otlp.OtlpSettings.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpSettingsTest {
    private static OtlpConfig config(String endpoint, String protocol) {
        return new OtlpConfig(true, endpoint, protocol, null, null, null, null, null);
    }

    @Test
    void defaultsFollowTheOtlpSpecForHttpProtobuf() {
        OtlpSettings s = OtlpSettings.resolve(OtlpConfig.defaults(), Map.of());
        assertThat(s.protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
        assertThat(s.endpoint()).isEqualTo(URI.create("http://localhost:4318/v1/metrics"));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.gzip()).isFalse();
        assertThat(OtlpSettings.resolve(config(null, "grpc"), Map.of()).endpoint())
                .isEqualTo(URI.create("http://localhost:4317"));
    }

    @Test
    void genericEnvironmentEndpointGetsTheSignalPathAndTheSpecificOneIsUsedAsIs() {
        assertThat(OtlpSettings.resolve(
                                OtlpConfig.defaults(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://col:4318/"))
                        .endpoint())
                .isEqualTo(URI.create("http://col:4318/v1/metrics"));
        assertThat(OtlpSettings.resolve(
                                OtlpConfig.defaults(),
                                Map.of(
                                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                                        "http://col:4318",
                                        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                                        "https://col:9999/custom"))
                        .endpoint())
                .isEqualTo(URI.create("https://col:9999/custom"));
        assertThat(OtlpSettings.resolve(
                                OtlpConfig.defaults(),
                                Map.of(
                                        "OTEL_EXPORTER_OTLP_PROTOCOL",
                                        "grpc",
                                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                                        "http://col:4317"))
                        .endpoint())
                .isEqualTo(URI.create("http://col:4317"));
    }

    @Test
    void configFileWinsOverEnvironmentWhichWinsOverDefaults() {
        Map<String, String> env = Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://env:4318",
                "OTEL_EXPORTER_OTLP_PROTOCOL",
                "grpc",
                "OTEL_EXPORTER_OTLP_TIMEOUT",
                "2500",
                "OTEL_METRIC_EXPORT_INTERVAL",
                "30000",
                "OTEL_EXPORTER_OTLP_COMPRESSION",
                "gzip",
                "OTEL_EXPORTER_OTLP_HEADERS",
                "x-tenant=env,authorization=Bearer%20env");
        OtlpSettings fromEnv = OtlpSettings.resolve(OtlpConfig.defaults(), env);
        assertThat(fromEnv.protocol()).isEqualTo(Protocol.GRPC);
        assertThat(fromEnv.endpoint()).isEqualTo(URI.create("http://env:4318"));
        assertThat(fromEnv.timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(fromEnv.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fromEnv.gzip()).isTrue();
        assertThat(fromEnv.headers())
                .containsEntry("authorization", "Bearer env")
                .containsEntry("x-tenant", "env");

        OtlpConfig file = new OtlpConfig(
                true,
                "http://file:4318",
                "http/protobuf",
                Map.of("authorization", "Bearer file"),
                "5s",
                "1s",
                "none",
                null);
        OtlpSettings s = OtlpSettings.resolve(file, env);
        assertThat(s.protocol()).isEqualTo(Protocol.HTTP_PROTOBUF);
        assertThat(s.endpoint()).isEqualTo(URI.create("http://file:4318/v1/metrics"));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.gzip()).isFalse();
        // Headers merge by name: the file's value wins, the environment's other headers stay.
        assertThat(s.headers()).containsEntry("authorization", "Bearer file").containsEntry("x-tenant", "env");
    }

    @Test
    void metricsSpecificVariablesWinOverGenericOnes() {
        OtlpSettings s = OtlpSettings.resolve(
                OtlpConfig.defaults(),
                Map.of(
                        "OTEL_EXPORTER_OTLP_PROTOCOL",
                        "http/protobuf",
                        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
                        "grpc",
                        "OTEL_EXPORTER_OTLP_TIMEOUT",
                        "9000",
                        "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
                        "300",
                        "OTEL_EXPORTER_OTLP_HEADERS",
                        "a=1",
                        "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
                        "a=2"));
        assertThat(s.protocol()).isEqualTo(Protocol.GRPC);
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(s.headers()).containsEntry("a", "2");
    }

    @Test
    void headerValuesNeverAppearInTextOrErrors() {
        OtlpSettings s = OtlpSettings.resolve(
                new OtlpConfig(true, null, null, Map.of("authorization", "Bearer TOPSECRET"), null, null, null, null),
                Map.of());
        assertThat(s.toString()).contains("authorization").doesNotContain("TOPSECRET");
        assertThat(new OtlpConfig(true, null, null, Map.of("authorization", "Bearer TOPSECRET"), null, null, null, null)
                        .toString())
                .contains("authorization")
                .doesNotContain("TOPSECRET");
        assertThatThrownBy(() -> OtlpSettings.resolve(
                        OtlpConfig.defaults(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "ok=1,TOPSECRET")))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS")
                .hasMessageContaining("entry 2")
                .hasMessageNotContaining("TOPSECRET");
        assertThatThrownBy(() -> OtlpSettings.resolve(
                        OtlpConfig.defaults(), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "k=TOP%zzSECRET")))
                .hasMessageContaining("'k'")
                .hasMessageNotContaining("TOP");
    }

    @Test
    void badValuesNameTheirSource() {
        assertThatThrownBy(() -> OtlpSettings.resolve(config(null, "http/json"), Map.of()))
                .hasMessageContaining("otlp.protocol")
                .hasMessageContaining("http/json");
        assertThatThrownBy(() ->
                        OtlpSettings.resolve(OtlpConfig.defaults(), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift")))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL");
        assertThatThrownBy(() -> OtlpSettings.resolve(config("ftp://x", null), Map.of()))
                .hasMessageContaining("otlp.endpoint");
        assertThatThrownBy(() -> OtlpSettings.resolve(config("http://user:pw@x:4318", null), Map.of()))
                .hasMessageContaining("headers")
                .hasMessageNotContaining("pw");
        assertThatThrownBy(
                        () -> OtlpSettings.resolve(OtlpConfig.defaults(), Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_TIMEOUT")
                .hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> OtlpSettings.resolve(
                        new OtlpConfig(true, null, null, null, "10ms", null, null, null), Map.of()))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> OtlpSettings.resolve(
                        new OtlpConfig(true, null, null, null, null, null, "zstd", null), Map.of()))
                .hasMessageContaining("otlp.compression")
                .hasMessageContaining("zstd");
    }
}
