package io.aiwatch.reader.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.daemon.DaemonConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void readsTheOtlpSectionAndIsOffByDefault() throws Exception {
        assertThat(DaemonConfig.defaults().otlp().isEnabled()).isFalse();
        DaemonConfig cfg = loader.parse("a.yaml", """
                otlp:
                  enabled: true
                  endpoint: https://otel.example:4317
                  protocol: grpc
                  headers:
                    authorization: Bearer abc
                    x-scope-orgid: team-a
                  interval: 30s
                  timeout: 5s
                  compression: gzip
                  resource_attributes:
                    deployment.environment.name: prod
                """, DaemonConfig.class);
        OtlpConfig o = cfg.otlp();
        assertThat(o.isEnabled()).isTrue();
        assertThat(o.headers()).containsEntry("authorization", "Bearer abc").containsEntry("x-scope-orgid", "team-a");
        assertThat(o.resourceAttributes()).containsEntry("deployment.environment.name", "prod");
        OtlpSettings s = OtlpSettings.resolve(o, Map.of());
        assertThat(s.protocol()).isEqualTo(OtlpSettings.Protocol.GRPC);
        assertThat(s.endpoint().toString()).isEqualTo("https://otel.example:4317");
        assertThat(s.gzip()).isTrue();
        assertThat(s.interval().toSeconds()).isEqualTo(30);
    }

    @Test
    void anUnknownKeyOrBadValueStopsLoadingWithItsLine() {
        assertThatThrownBy(() ->
                        loader.parse("a.yaml", "otlp:\n  enabled: true\n  endpiont: http://x\n", DaemonConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a.yaml:3")
                .hasMessageContaining("endpiont");
        assertThatThrownBy(() ->
                        loader.parse("a.yaml", "otlp:\n  enabled: true\n  protocol: http/json\n", DaemonConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a.yaml:")
                .hasMessageContaining("otlp.protocol");
        assertThatThrownBy(() -> loader.parse("a.yaml", "otlp:\n  interval: soon\n", DaemonConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("otlp.interval");
    }
}
