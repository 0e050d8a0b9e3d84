package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HardeningConfigTest {
    private final ObjectMapper yaml =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void missingKeysKeepDefaults() throws Exception {
        HardeningConfig c = yaml.readValue("idle_timeout: 2500ms\nmax_concurrent_scrapes: 3\n", HardeningConfig.class);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.maxConcurrentScrapes()).isEqualTo(3);
        assertThat(c.requestHeaderBytes()).isEqualTo(HardeningConfig.defaults().requestHeaderBytes());
        assertThat(yaml.readValue("{}", HardeningConfig.class)).isEqualTo(HardeningConfig.defaults());
    }

    @Test
    void refusesUnknownKeysAndNonsense() {
        assertThatThrownBy(() -> yaml.readValue("max_conections: 3\n", HardeningConfig.class))
                .hasMessageContaining("max_conections");
        assertThatThrownBy(() -> yaml.readValue("idle_timeout: soon\n", HardeningConfig.class))
                .hasMessageContaining("idle_timeout");
        assertThatThrownBy(() -> yaml.readValue("max_concurrent_scrapes: 0\n", HardeningConfig.class))
                .hasMessageContaining("out of range");
    }
}
