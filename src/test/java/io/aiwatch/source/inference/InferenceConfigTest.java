package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceConfigTest {
    private final ObjectMapper yaml =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void readsYamlWithDefaults() throws Exception {
        InferenceConfig c = yaml.readValue("""
                targets:
                  - url: http://10.0.0.5:8000/metrics
                  - url: https://vllm.example:8443
                    name: llama-70b
                    interval: 2s
                    timeout: 500ms
                """, InferenceConfig.class);
        assertThat(c.targets()).hasSize(2);
        InferenceConfig.Target a = c.targets().get(0);
        assertThat(a.name()).isEqualTo("10.0.0.5:8000");
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(3));
        InferenceConfig.Target b = c.targets().get(1);
        assertThat(b.url().toString()).isEqualTo("https://vllm.example:8443/metrics");
        assertThat(b.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(InferenceConfig.defaults().targets()).isEmpty();
        assertThat(InferenceCollectors.create(c, Clock.systemUTC()))
                .extracting(io.aiwatch.collect.Collector::name)
                .containsExactly("inference-10.0.0.5:8000", "inference-llama-70b");
    }

    @Test
    void rejectsBadTargetsWithClearMessages() {
        assertBad("ftp://h/metrics", null, null, null, "must start with http:// or https://");
        assertBad("http://", null, null, null, "not a valid URL");
        assertBad("http:///metrics", null, null, null, "has no host");
        assertBad("http://u:secret@h:8000/metrics", null, null, null, "must not carry credentials");
        assertBad("http://h:8000/metrics", "bad name!", null, null, "must be 1-64 characters");
        assertBad("http://h:8000/metrics", null, "5", null, "must look like 500ms, 5s or 1m");
        assertBad("http://h:8000/metrics", null, "1s", "2s", "at most the interval");
        assertBad(null, null, null, null, "url is required");
        assertThatThrownBy(() ->
                        yaml.readValue("targets: [{url: 'http://h/metrics', intervall: 5s}]", InferenceConfig.class))
                .hasMessageContaining("intervall");
        assertThatThrownBy(() -> new InferenceConfig(List.of(
                        InferenceConfig.Target.of("http://a/metrics", "x", null, null),
                        InferenceConfig.Target.of("http://b/metrics", "x", null, null))))
                .hasMessageContaining("two targets are named 'x'");
    }

    private static void assertBad(String url, String name, String interval, String timeout, String message) {
        assertThatThrownBy(() -> InferenceConfig.Target.of(url, name, interval, timeout))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }
}
