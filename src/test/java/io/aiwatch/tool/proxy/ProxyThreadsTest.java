package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProxyThreadsTest {

    @Test
    void automaticThreadCapIsSmallForPlainHttpAndOnePerStreamForHttps() {
        assertThat(ProxyConfig.defaults("http://127.0.0.1:8000").effectiveHttpThreads())
                .isEqualTo(64);
        assertThat(ProxyConfig.defaults("https://vllm.example:8443").effectiveHttpThreads())
                .isEqualTo(1200);
    }

    @Test
    void anExplicitThreadCapWins() {
        ProxyConfig c = new ProxyConfig("127.0.0.1", 0, "https://vllm.example", 20, 5, 600, 32, 0);
        assertThat(c.effectiveHttpThreads()).isEqualTo(32);
        assertThatThrownBy(() -> new ProxyConfig("127.0.0.1", 0, "http://x", 20, 5, 600, 4, 0))
                .hasMessageContaining("http_threads must be 0 (automatic) or >= 8");
    }

    /** The pool a started proxy uses is the automatic cap, not Jetty's default of 200 or the old 1,200. */
    @Test
    void aStartedProxyUsesTheAutomaticCap() throws Exception {
        try (MeasuringProxy p =
                MeasuringProxy.start(ProxyConfig.defaults("http://127.0.0.1:9").withListen("127.0.0.1", 0))) {
            assertThat(p.maxThreads()).isEqualTo(64);
        }
    }
}
