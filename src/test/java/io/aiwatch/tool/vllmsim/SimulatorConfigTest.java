package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aiwatch.tool.proxy.ProxyConfig;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @Test
    void yamlKeysOverrideDefaultsAndMissingKeysKeepThem() throws Exception {
        SimulatorConfig c =
                yaml.readValue("model: llama\nspeed: 50\nkv_capacity_tokens: 8192\nseed: 3\n", SimulatorConfig.class);
        assertThat(c.model()).isEqualTo("llama");
        assertThat(c.speed()).isEqualTo(50);
        assertThat(c.kvCapacityTokens()).isEqualTo(8192);
        assertThat(c.seed()).isEqualTo(3);
        assertThat(c.maxNumSeqs()).isEqualTo(256);
        assertThat(c.decodeStepBaseMs()).isEqualTo(SimulatorConfig.defaults().decodeStepBaseMs());
    }

    @Test
    void unknownKeysAndBadValuesAreErrors() {
        assertThatThrownBy(() -> yaml.readValue("max_num_seq: 3\n", SimulatorConfig.class))
                .hasMessageContaining("max_num_seq");
        assertThatThrownBy(() -> yaml.readValue("speed: 0\n", SimulatorConfig.class))
                .hasMessageContaining("speed must be");
    }

    @Test
    void proxyYamlNeedsOnlyTheUpstream() throws Exception {
        ProxyConfig p = yaml.readValue("upstream: http://127.0.0.1:8000\nport: 9001\n", ProxyConfig.class);
        assertThat(p.port()).isEqualTo(9001);
        assertThat(p.maxModels()).isEqualTo(20);
        assertThatThrownBy(() -> yaml.readValue("port: 9001\n", ProxyConfig.class))
                .hasMessageContaining("upstream is required");
    }
}
