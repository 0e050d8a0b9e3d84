package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The simulator's /metrics against vLLM v1's catalogue (names, types, labels, buckets) and its engine. */
class VllmMetricsTest {
    private final SseClient client = new SseClient();

    /** GET as a condition can call it. */
    private String get(String url) {
        try {
            return client.get(url);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every default-on v1 family of refdata/vllm/vllm_metrics_catalog.csv, as exposed in text format, with its type. */
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        for (String g : List.of(
                "vllm:num_requests_running",
                "vllm:num_requests_waiting",
                "vllm:num_requests_waiting_by_reason",
                "vllm:engine_sleep_state",
                "vllm:kv_cache_usage_perc",
                "vllm:cache_config_info")) {
            EXPECTED.put(g, "gauge");
        }
        for (String c : List.of(
                "vllm:prefix_cache_queries_total",
                "vllm:prefix_cache_hits_total",
                "vllm:external_prefix_cache_queries_total",
                "vllm:external_prefix_cache_hits_total",
                "vllm:mm_cache_queries_total",
                "vllm:mm_cache_hits_total",
                "vllm:num_preemptions_total",
                "vllm:prompt_tokens_total",
                "vllm:prompt_tokens_by_source_total",
                "vllm:prompt_tokens_cached_total",
                "vllm:generation_tokens_total",
                "vllm:request_success_total")) {
            EXPECTED.put(c, "counter");
        }
        for (String h : List.of(
                "vllm:request_prompt_tokens",
                "vllm:request_generation_tokens",
                "vllm:iteration_tokens_total",
                "vllm:request_max_num_generation_tokens",
                "vllm:request_params_n",
                "vllm:request_params_max_tokens",
                "vllm:time_to_first_token_seconds",
                "vllm:inter_token_latency_seconds",
                "vllm:request_time_per_output_token_seconds",
                "vllm:e2e_request_latency_seconds",
                "vllm:request_queue_time_seconds",
                "vllm:request_inference_time_seconds",
                "vllm:request_prefill_time_seconds",
                "vllm:request_decode_time_seconds",
                "vllm:request_prefill_kv_computed_tokens",
                "vllm:request_num_preemptions")) {
            EXPECTED.put(h, "histogram");
        }
    }

    private static List<String> les(String text, String family) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(family) + "_bucket\\{engine=\"0\",le=\"([^\"]+)\",model_name=\"m\"}")
                .matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no series " + series);
    }

    @Test
    void exposesEveryCurrentV1FamilyWithVllmTypesLabelsAndBuckets() throws Exception {
        try (VllmSimulator sim = VllmSimulator.start(SimulatorConfig.defaults()
                .withModel("m")
                .withListen("127.0.0.1", 0)
                .withSpeed(500))) {
            String base = "http://127.0.0.1:" + sim.port();
            long sent = System.nanoTime();
            client.post(base + "/v1/completions", "{\"prompt\":\"a b c\",\"max_tokens\":3}");
            double wallSeconds = (System.nanoTime() - sent) / 1e9;
            // The response can complete a moment before the engine thread retires the request.
            Await.until(
                    sim.engineProgress(),
                    () -> get(base + "/metrics")
                            .contains("vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 0\n"),
                    Duration.ofSeconds(2));
            String text = client.get(base + "/metrics");
            for (var e : EXPECTED.entrySet()) {
                assertThat(text).as(e.getKey()).contains("# TYPE " + e.getKey() + " " + e.getValue() + "\n");
            }
            List<String> types = text.lines()
                    .filter(l -> l.startsWith("# TYPE ") && !l.contains("_created "))
                    .map(l -> l.split(" ")[2])
                    .toList();
            assertThat(types).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
            assertThat(text).contains("vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 0\n");
            assertThat(text).contains("vllm:prompt_tokens_created{engine=\"0\",model_name=\"m\"}");
            assertThat(les(text, "vllm:time_to_first_token_seconds"))
                    .containsExactly(
                            "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75",
                            "1.0", "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0", "160.0", "640.0", "2560.0",
                            "+Inf");
            assertThat(les(text, "vllm:inter_token_latency_seconds"))
                    .hasSize(20)
                    .startsWith("0.01", "0.025")
                    .endsWith("80.0", "+Inf");
            assertThat(les(text, "vllm:e2e_request_latency_seconds"))
                    .hasSize(22)
                    .startsWith("0.3", "0.5", "0.8")
                    .endsWith("7680.0", "+Inf");
            assertThat(les(text, "vllm:iteration_tokens_total"))
                    .hasSize(14)
                    .startsWith("1.0", "8.0")
                    .endsWith("16384.0", "+Inf");
            // build_1_2_5_buckets(4096): last bound 2000
            assertThat(les(text, "vllm:request_prompt_tokens"))
                    .containsExactly(
                            "1.0", "2.0", "5.0", "10.0", "20.0", "50.0", "100.0", "200.0", "500.0", "1000.0", "2000.0",
                            "+Inf");
            assertThat(les(text, "vllm:request_num_preemptions"))
                    .containsExactly("1.0", "2.0", "3.0", "4.0", "5.0", "10.0", "20.0", "+Inf");
            assertThat(les(text, "vllm:request_params_n")).containsExactly("1.0", "2.0", "5.0", "10.0", "20.0", "+Inf");
            assertThat(value(text, "vllm:request_prompt_tokens_sum{engine=\"0\",model_name=\"m\"}"))
                    .isEqualTo(3);
            assertThat(value(text, "vllm:generation_tokens_total{engine=\"0\",model_name=\"m\"}"))
                    .isEqualTo(3);
            assertThat(value(text, "vllm:inter_token_latency_seconds_count{engine=\"0\",model_name=\"m\"}"))
                    .isEqualTo(2);
            // TTFT here is at least one 10 ms step plus 3 prompt tokens at 10k tok/s, in simulated seconds.
            // It can be longer, never shorter: when the engine thread is scheduled late (a busy CI box),
            // simulated time re-anchors to the wall clock instead of serving tokens faster than the model.
            // So the upper bound is the request's whole wall time in simulated seconds (speed 500).
            assertThat(value(text, "vllm:time_to_first_token_seconds_sum{engine=\"0\",model_name=\"m\"}"))
                    .isBetween(0.0103, Math.max(0.0103, wallSeconds * 500));
            assertThat(text).contains("num_gpu_blocks=\"4096\"");
        }
    }

    @Test
    void kvExhaustionShowsAsWaitingRequestsAndPreemptionsOnMetrics() throws Exception {
        // 2048 tokens of KV; 16 requests of 20 + 200 tokens need 3520
        SimulatorConfig c = SimulatorConfig.defaults()
                .withModel("m")
                .withListen("127.0.0.1", 0)
                .withSpeed(20)
                .withEngine(256, 2048, 2048);
        try (VllmSimulator sim = VllmSimulator.start(c)) {
            String base = "http://127.0.0.1:" + sim.port();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<SseClient.Result>> fs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    fs.add(pool.submit(() -> client.post(
                            base + "/v1/completions",
                            "{\"prompt\":[" + "1,".repeat(19) + "1],\"max_tokens\":200,\"stream\":true}")));
                }
                // Waiting requests and KV usage, read in-process after every engine step (an HTTP scrape per
                // step would miss the short waits on a busy machine); /metrics is checked at the end.
                double[] max = new double[2];
                Await.until(
                        sim.engineProgress(),
                        () -> {
                            max[0] = Math.max(max[0], sim.metrics().waiting);
                            max[1] = Math.max(max[1], sim.metrics().kvUsage);
                            return fs.stream().allMatch(Future::isDone);
                        },
                        Duration.ofSeconds(20));
                double maxWaiting = max[0];
                double maxKv = max[1];
                for (Future<SseClient.Result> f : fs) {
                    assertThat(f.get().events()).hasSize(201);
                }
                // Responses can complete a moment before the engine retires the last requests and frees their KV
                // blocks.
                Await.until(
                        sim.engineProgress(),
                        () -> value(get(base + "/metrics"), "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"}")
                                == 0,
                        Duration.ofSeconds(2));
                String text = client.get(base + "/metrics");
                assertThat(value(text, "vllm:num_preemptions_total{engine=\"0\",model_name=\"m\"}"))
                        .isPositive();
                assertThat(value(text, "vllm:request_num_preemptions_sum{engine=\"0\",model_name=\"m\"}"))
                        .isPositive();
                assertThat(value(text, "vllm:generation_tokens_total{engine=\"0\",model_name=\"m\"}"))
                        .isEqualTo(16 * 200);
                assertThat(value(text, "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"}"))
                        .isZero();
                assertThat(maxWaiting).isPositive();
                assertThat(maxKv).isGreaterThan(0.9);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void utilizationFollowsEngineLoad() throws Exception {
        try (VllmSimulator sim = VllmSimulator.start(
                SimulatorConfig.defaults().withListen("127.0.0.1", 0).withSpeed(1))) {
            assertThat(sim.utilization()).isZero();
            // ~1.5 s of back-to-back 10 ms steps
            client.post("http://127.0.0.1:" + sim.port() + "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":140}");
            assertThat(sim.getAsDouble()).isGreaterThan(0.8).isLessThanOrEqualTo(1.0);
        }
    }
}
