package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.testing.Await;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client that hangs up mid-stream frees its slot in the engine, directly and through the proxy. */
class ClientAbortTest {

    /** Sends a long streaming request, reads the first bytes of the answer, then closes the socket. */
    private static void hangUpMidStream(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            String body = "{\"prompt\":\"x\",\"max_tokens\":3000,\"ignore_eos\":true,\"stream\":true}";
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int total = 0;
            while (total < 1000) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                total += n;
            }
        }
    }

    private static void awaitAbort(VllmSimulator sim) throws InterruptedException {
        Await.until(sim.engineProgress(), () -> sim.metrics().finishedCount("abort") > 0, Duration.ofSeconds(3));
    }

    @Test
    void simulatorAbortsTheRequestWhenTheClientHangsUp() throws Exception {
        try (VllmSimulator sim = VllmSimulator.start(
                SimulatorConfig.defaults().withListen("127.0.0.1", 0).withSpeed(20))) {
            hangUpMidStream(sim.port());
            awaitAbort(sim);
            assertThat(sim.metrics().finishedCount("abort")).isEqualTo(1);
            assertThat(sim.metrics().finishedCount("length")).isZero();
        }
    }

    @Test
    void proxyPassesTheHangUpToTheUpstreamAndCountsIt() throws Exception {
        try (VllmSimulator sim = VllmSimulator.start(
                        SimulatorConfig.defaults().withListen("127.0.0.1", 0).withSpeed(20));
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0))) {
            hangUpMidStream(proxy.port());
            awaitAbort(sim);
            assertThat(sim.metrics().finishedCount("abort")).isEqualTo(1);
            Await.until(
                    proxy.metrics().changes(),
                    () -> proxy.metrics().requests("unknown", ClientMetrics.STATUS_CLIENT_ABORT) > 0,
                    Duration.ofSeconds(3));
            assertThat(proxy.metrics().requests("unknown", ClientMetrics.STATUS_CLIENT_ABORT))
                    .isEqualTo(1);
        }
    }
}
