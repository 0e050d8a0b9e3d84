package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.SseClient;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The proxy in front of the simulator: client metrics match the server's exact usage and the client's clock. */
class ProxyWithSimulatorTest {
    private final SseClient client = new SseClient();

    private static double serverSum(String text, String name) {
        String key = name + "{engine=\"0\",model_name=\"sim\"} ";
        return text.lines()
                .filter(l -> l.startsWith(key))
                .mapToDouble(l -> Double.parseDouble(l.substring(key.length())))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void proxiedStreamsCarryExactUsageAndTheirLatencyIsMeasured() throws Exception {
        SimulatorConfig sc = SimulatorConfig.defaults()
                .withModel("sim")
                .withListen("127.0.0.1", 0)
                .withSpeed(10);
        try (VllmSimulator sim = VllmSimulator.start(sc);
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0))) {
            String url = "http://127.0.0.1:" + proxy.port() + "/v1/chat/completions";
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<SseClient.Result>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(() -> client.post(
                        url,
                        "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
                                + "\"max_tokens\":20,\"stream\":true,\"stream_options\":{\"include_usage\":true}}")));
            }
            double clientTtftSum = 0;
            for (Future<SseClient.Result> f : fs) {
                SseClient.Result r = f.get();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.events()).hasSize(1 + 20 + 1 + 1);
                clientTtftSum += (r.events().get(0).nanos() - r.sentNanos()) / 1e9;
            }
            pool.shutdown();
            var fams = proxy.families();
            assertThat(proxy.metrics().requests("sim", "200")).isEqualTo(8);
            assertThat(MeasuringProxyTest.openStreamsAfterwards(proxy))
                    .as("every ended exchange leaves its loop")
                    .isZero();
            assertThat(MeasuringProxyTest.sample(fams, "aiwatch_client_generation_tokens_sum", "sim", "200"))
                    .isEqualTo(160);
            assertThat(MeasuringProxyTest.sample(fams, "aiwatch_client_prompt_tokens_sum", "sim", "200"))
                    .isEqualTo(8 * (3 + 4 + 2));
            // role chunk + 20 content chunks per request: 20 gaps each
            assertThat(MeasuringProxyTest.sample(
                            fams, "aiwatch_client_inter_token_latency_seconds_count", "sim", "200"))
                    .isEqualTo(160);
            double ttftSum =
                    MeasuringProxyTest.sample(fams, "aiwatch_client_time_to_first_token_seconds_sum", "sim", "200");
            assertThat(ttftSum).isPositive().isLessThanOrEqualTo(clientTtftSum);
            // the client cannot see the last token before the engine produced it (simulated seconds / speed);
            // scheduling on a busy CPU only delays what the client sees
            double e2e =
                    MeasuringProxyTest.sample(fams, "aiwatch_client_e2e_request_latency_seconds_sum", "sim", "200") / 8;
            String serverText = client.get("http://127.0.0.1:" + sim.port() + "/metrics");
            double serverE2e = serverSum(serverText, "vllm:e2e_request_latency_seconds_sum") / 8 / sc.speed();
            assertThat(serverE2e).isGreaterThan(20 * 0.00106); // 20 steps of at least 10.64 ms / 10
            assertThat(e2e).isGreaterThan(serverE2e - 0.003);
            double tpot =
                    MeasuringProxyTest.sample(fams, "aiwatch_client_time_per_output_token_seconds_sum", "sim", "200")
                            / 8;
            assertThat(tpot).isPositive().isLessThan(e2e / 19);
        }
    }
}
