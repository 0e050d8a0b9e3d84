package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ConfigLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The whole file's record through the strict loader: every section, file:line errors. */
class DaemonConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void readsAFullGpuSection() throws Exception {
        var cfg = loader.parse("a.yaml", """
                listen: 127.0.0.1:9500
                gpu:
                  interval: 500ms
                  slow_interval: 15s
                  hostname_label: hostname
                  simulate: 4
                """, DaemonConfig.class);
        assertThat(cfg.listen()).isEqualTo("127.0.0.1:9500");
        assertThat(cfg.gpu().intervalDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(cfg.gpu().slowIntervalDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(cfg.gpu().simulate()).isEqualTo(4);
        assertThat(cfg.gpu().hostnameLabel()).isEqualTo("hostname");
    }

    @Test
    void readsInferenceTargetsAndRefusesBadUrls() throws Exception {
        var cfg = loader.parse("a.yaml", """
                inference:
                  targets:
                    - url: http://127.0.0.1:8000/metrics
                      name: llama
                """, DaemonConfig.class);
        assertThat(cfg.inference().targets()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("llama");
            assertThat(t.url().getPort()).isEqualTo(8000);
        });
        assertThatThrownBy(() ->
                        loader.parse("a.yaml", "inference:\n  targets:\n    - url: 'ht!tp:/x'\n", DaemonConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("a.yaml:");
    }

    @Test
    void emptyFileMeansDefaults() throws Exception {
        var cfg = loader.parse("a.yaml", "\n", DaemonConfig.class);
        assertThat(cfg).isEqualTo(DaemonConfig.defaults());
        assertThat(cfg.listen()).isEqualTo(":9400");
        assertThat(cfg.gpu().intervalDuration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void unknownKeyStopsWithFileLineAndKnownKeys() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "gpu:\n  interval: 1s\n  intervall: 2s\n", DaemonConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("a.yaml:3: ")
                .hasMessageContaining("unknown key 'intervall' in gpu")
                .hasMessageContaining("known keys here:")
                .hasMessageContaining("slow_interval");
    }

    @Test
    void badDurationNamesTheKeyAndTheFix() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "gpu:\n  interval: fast\n", DaemonConfig.class))
                .hasMessageStartingWith("a.yaml:")
                .hasMessageContaining("invalid gpu")
                .hasMessageContaining("'fast' is not a duration; write e.g. 500ms, 1s, 5m or 1h");
    }

    @Test
    void wrongTypeNamesTheKey() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "gpu:\n  simulate: many\n", DaemonConfig.class))
                .hasMessageStartingWith("a.yaml:2:")
                .hasMessageContaining("gpu.simulate")
                .hasMessageContaining("a whole number");
    }

    @Test
    void badListenAddressIsRefused() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "listen: localhost\n", DaemonConfig.class))
                .hasMessageContaining("needs a port");
        assertThatThrownBy(() -> loader.parse("a.yaml", "listen: :99999\n", DaemonConfig.class))
                .hasMessageContaining("out of range");
    }

    @Test
    void hostnameLabelMustBeOneOfTheKnownSpellings() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "gpu:\n  hostname_label: host\n", DaemonConfig.class))
                .hasMessageContaining("hostname_label must be Hostname, hostname or none");
    }

    @Test
    void everySectionReadsTheSameDurationSyntax() throws Exception {
        var cfg = loader.parse("a.yaml", """
                gpu:
                  interval: 1m30s
                  slow_interval: 1m30s
                storage:
                  interval: 1m30s
                inference:
                  targets:
                    - url: http://127.0.0.1:8000/metrics
                      interval: 1m30s
                http:
                  hardening:
                    idle_timeout: 1m30s
                otlp:
                  interval: 1m30s
                alerting:
                  evaluation_interval: 1m30s
                """, DaemonConfig.class);
        Duration d = Duration.ofSeconds(90);
        assertThat(cfg.gpu().intervalDuration()).isEqualTo(d);
        assertThat(cfg.gpu().slowIntervalDuration()).isEqualTo(d);
        assertThat(cfg.storage().interval()).isEqualTo(d);
        assertThat(cfg.inference().targets().get(0).interval()).isEqualTo(d);
        assertThat(cfg.http().hardening().idleTimeout()).isEqualTo(d);
        assertThat(io.aiwatch.reader.otlp.OtlpSettings.resolve(cfg.otlp(), java.util.Map.of())
                        .interval())
                .isEqualTo(d);
        assertThat(cfg.alerting().evaluationInterval()).isEqualTo(d);
    }
}
