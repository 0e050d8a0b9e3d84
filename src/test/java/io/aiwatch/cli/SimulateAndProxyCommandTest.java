package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.tool.proxy.ProxyConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateAndProxyCommandTest {

    @Test
    void simulateVllmOptionsBuildTheConfig() {
        SimulateCommand.Vllm cmd = new SimulateCommand.Vllm();
        new CommandLine(cmd)
                .parseArgs(
                        "--port",
                        "8123",
                        "--model",
                        "llama",
                        "--speed",
                        "100",
                        "--seed",
                        "7",
                        "--max-num-seqs",
                        "64",
                        "--kv-capacity-tokens",
                        "32768");
        SimulatorConfig c = cmd.config();
        assertThat(c.port()).isEqualTo(8123);
        assertThat(c.model()).isEqualTo("llama");
        assertThat(c.speed()).isEqualTo(100);
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.maxNumSeqs()).isEqualTo(64);
        assertThat(c.kvBlocks()).isEqualTo(2048);
        assertThat(c.prefillTokensPerSecond())
                .isEqualTo(SimulatorConfig.defaults().prefillTokensPerSecond());
    }

    @Test
    void invalidSimulatorOptionsExitWithUsageError() {
        assertThat(Main.run("simulate", "vllm", "--speed", "0")).isEqualTo(2);
    }

    @Test
    void proxyListenAcceptsColonPortAsAllInterfaces() {
        ProxyCommand cmd = new ProxyCommand();
        new CommandLine(cmd).parseArgs("--listen", ":8001", "--upstream", "http://127.0.0.1:8000/");
        ProxyConfig c = cmd.config();
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8001);
        assertThat(c.upstream()).isEqualTo("http://127.0.0.1:8000");
        new CommandLine(cmd).parseArgs("--listen", "127.0.0.1:9", "--upstream", "http://h:1");
        assertThat(cmd.config().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void proxyRejectsBadUpstreamAndListen() {
        assertThat(Main.run("proxy", "--upstream", "ftp://x")).isEqualTo(2);
        ProxyCommand cmd = new ProxyCommand();
        new CommandLine(cmd).parseArgs("--listen", "8001", "--upstream", "http://h:1");
        assertThatThrownBy(cmd::config).hasMessageContaining("HOST:PORT");
        ProxyCommand threads = new ProxyCommand();
        new CommandLine(threads).parseArgs("--upstream", "http://h:1", "--forward-threads", "-1");
        assertThatThrownBy(threads::config).hasMessageContaining("forward_threads must be 0..64");
    }

    @Test
    void forwardThreadsDefaultToTheProcessorsUpToFour() {
        ProxyCommand cmd = new ProxyCommand();
        new CommandLine(cmd).parseArgs("--upstream", "http://h:1");
        int cpus = Runtime.getRuntime().availableProcessors();
        assertThat(cmd.config().effectiveForwardThreads()).isEqualTo(Math.max(1, Math.min(4, cpus)));
        new CommandLine(cmd).parseArgs("--upstream", "http://h:1", "--forward-threads", "3");
        assertThat(cmd.config().effectiveForwardThreads()).isEqualTo(3);
    }

    @Test
    void otlpFlagsStartSpansOnlyWhenAnEndpointIsGivenAndBadValuesExitWithUsageError() {
        ProxyCommand cmd = new ProxyCommand();
        new CommandLine(cmd).parseArgs("--upstream", "http://h:1");
        assertThat(cmd.otlp.start(java.util.Map.of())).isNull();
        new CommandLine(cmd)
                .parseArgs(
                        "--upstream", "http://h:1", "--otlp-endpoint", "http://127.0.0.1:1", "--otlp-protocol", "grpc");
        try (var spans = cmd.otlp.start(java.util.Map.of())) {
            assertThat(spans).isNotNull();
        }
        assertThat(cmd.otlp.start(java.util.Map.of("OTEL_SDK_DISABLED", "true")))
                .isNull();
        new CommandLine(cmd)
                .parseArgs(
                        "--upstream", "http://h:1", "--otlp-endpoint", "http://c:4318", "--otlp-protocol", "http/json");
        assertThatThrownBy(() -> cmd.otlp.start(java.util.Map.of()))
                .hasMessageContaining("--otlp-endpoint/--otlp-protocol")
                .hasMessageContaining("http/json");
        assertThat(Main.run("proxy", "--upstream", "http://127.0.0.1:1", "--otlp-endpoint", "ftp://c"))
                .isEqualTo(2);
        assertThat(Main.run(
                        "loadgen",
                        "--base-url",
                        "http://127.0.0.1:1",
                        "--model",
                        "m",
                        "--otlp-endpoint",
                        "http://u:p@c:4318"))
                .isEqualTo(2);
    }
}
