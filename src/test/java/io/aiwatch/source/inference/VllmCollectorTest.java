package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.inference.FixtureServer.TestClock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VllmCollectorTest {
    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    static Optional<MetricFamily> family(Snapshot s, String name) {
        return s.families().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    static double value(Snapshot s, String family, Labels labels) {
        return family(s, family).orElseThrow(() -> new AssertionError(family)).samples().stream()
                .filter(x -> x.labels().equals(labels) && !x.name().endsWith("_bucket"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(family + labels))
                .value();
    }

    static VllmCollector collector(String url, String name, TestClock clock) {
        return new VllmCollector(InferenceConfig.Target.of(url, name, "5s", "2s"), clock);
    }

    @Test
    void exposesNormalisedFamiliesWithVllmBucketsFromTheSyntheticScrape() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            server.body.set(PromTextParserTest.resource("exposition_synthetic_v1.txt"));
            Snapshot s = collector(server.url(), "llama", new TestClock()).collect();

            Labels series = Labels.of("target", "llama", "model", MODEL, "engine", "0");
            MetricFamily ttft =
                    family(s, "aiwatch_inference_time_to_first_token_seconds").orElseThrow();
            assertThat(ttft.samples().stream()
                            .filter(x -> x.name().endsWith("_bucket"))
                            .map(x -> x.labels().get("le")))
                    .containsExactly(
                            "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75",
                            "1.0", "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0", "160.0", "640.0", "2560.0",
                            "+Inf");
            assertThat(ttft.samples().get(0).labels()).isEqualTo(series.and("le", "0.001"));
            assertThat(value(s, "aiwatch_inference_time_to_first_token_seconds", series))
                    .isEqualTo(0.627678);
            assertThat(family(s, "aiwatch_inference_inter_token_latency_seconds")
                            .orElseThrow()
                            .samples())
                    .hasSize(19 + 1 + 2);
            assertThat(family(s, "aiwatch_inference_e2e_request_latency_seconds")
                            .orElseThrow()
                            .samples())
                    .hasSize(21 + 1 + 2);
            assertThat(family(s, "aiwatch_inference_queue_time_seconds")).isPresent();
            assertThat(value(s, "aiwatch_inference_requests_running", series)).isZero();
            assertThat(value(s, "aiwatch_inference_kv_cache_usage_ratio", series))
                    .isZero();
            assertThat(value(s, "aiwatch_inference_prompt_tokens_total", series))
                    .isEqualTo(5537);
            assertThat(value(s, "aiwatch_inference_generation_tokens_total", series))
                    .isEqualTo(1280);
            assertThat(value(s, "aiwatch_inference_preemptions_total", series)).isZero();
            assertThat(value(s, "aiwatch_inference_requests_finished_total", series.and("finished_reason", "length")))
                    .isEqualTo(7);
            assertThat(family(s, "aiwatch_inference_requests_finished_total")
                            .orElseThrow()
                            .samples())
                    .hasSize(5);
            assertThat(value(s, "aiwatch_inference_prefix_cache_hits_total", series))
                    .isEqualTo(1008);
            assertThat(value(s, "aiwatch_inference_target_up", Labels.of("target", "llama")))
                    .isEqualTo(1);
            assertThat(value(s, "aiwatch_inference_target_stale", Labels.of("target", "llama")))
                    .isZero();
            assertThat(s.detail(VllmCollector.STATUS).up()).isTrue();
            assertThat(s.families()).allSatisfy(f -> assertThat(f.name()).startsWith("aiwatch_inference_"));
        }
    }

    @Test
    void aBrokenTargetKeepsItsLastGoodValuesStaleAndLeavesTheOtherTargetAlone() throws Exception {
        String good = PromTextParserTest.resource("exposition_synthetic_v1.txt");
        try (FixtureServer a = new FixtureServer();
                FixtureServer b = new FixtureServer()) {
            TestClock clock = new TestClock();
            List<io.aiwatch.collect.Collector> collectors = InferenceCollectors.create(
                    new InferenceConfig(List.of(
                            InferenceConfig.Target.of(a.url(), "a", null, null),
                            InferenceConfig.Target.of(b.url(), "b", null, null))),
                    clock);
            a.body.set(good);
            b.body.set(good);
            collectors.get(0).collect();
            collectors.get(1).collect();

            b.body.set(good.substring(0, good.length() / 2)); // cut mid-line
            clock.advanceSeconds(5);
            Snapshot sa = collectors.get(0).collect();
            Snapshot sb = collectors.get(1).collect();

            Labels tb = Labels.of("target", "b");
            assertThat(value(sb, "aiwatch_inference_target_up", tb)).isZero();
            assertThat(value(sb, "aiwatch_inference_target_stale", tb)).isEqualTo(1);
            assertThat(value(sb, "aiwatch_inference_scrape_errors_total", tb.and("reason", "parse")))
                    .isEqualTo(1);
            assertThat(value(sb, "aiwatch_inference_scrape_errors_total", tb.and("reason", "connect")))
                    .isZero();
            assertThat(value(
                            sb,
                            "aiwatch_inference_prompt_tokens_total",
                            Labels.of("target", "b", "model", MODEL, "engine", "0")))
                    .isEqualTo(5537);
            assertThat(sb.detail(VllmCollector.STATUS).lastError()).startsWith("parse: line ");

            Labels ta = Labels.of("target", "a");
            assertThat(value(sa, "aiwatch_inference_target_up", ta)).isEqualTo(1);
            assertThat(value(sa, "aiwatch_inference_target_stale", ta)).isZero();
            assertThat(value(sa, "aiwatch_inference_scrape_errors_total", ta.and("reason", "parse")))
                    .isZero();
            assertThat(collectors.get(0).name()).isNotEqualTo(collectors.get(1).name());
        }
    }

    @Test
    void countsAnUnreachableTargetAsAConnectErrorWithoutValues() throws Exception {
        int port;
        try (FixtureServer closed = new FixtureServer()) {
            port = Integer.parseInt(closed.url().replaceAll(".*:(\\d+)/.*", "$1"));
        }
        Snapshot s = collector("http://127.0.0.1:" + port + "/metrics", "gone", new TestClock())
                .collect();
        Labels t = Labels.of("target", "gone");
        assertThat(value(s, "aiwatch_inference_target_up", t)).isZero();
        assertThat(value(s, "aiwatch_inference_target_stale", t)).isZero();
        assertThat(value(s, "aiwatch_inference_scrape_errors_total", t.and("reason", "connect")))
                .isEqualTo(1);
        assertThat(family(s, "aiwatch_inference_prompt_tokens_total")).isEmpty();
    }

    @Test
    void mapsOldVllmNamesOntoTheCurrentFamilies() throws Exception {
        String v0 = """
                # HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
                # TYPE vllm:gpu_cache_usage_perc gauge
                vllm:gpu_cache_usage_perc{model_name="old"} 0.25
                # HELP vllm:time_per_output_token_seconds Histogram of time per output token in seconds.
                # TYPE vllm:time_per_output_token_seconds histogram
                vllm:time_per_output_token_seconds_bucket{le="0.01",model_name="old"} 1.0
                vllm:time_per_output_token_seconds_bucket{le="2.5",model_name="old"} 3.0
                vllm:time_per_output_token_seconds_bucket{le="+Inf",model_name="old"} 4.0
                vllm:time_per_output_token_seconds_count{model_name="old"} 4.0
                vllm:time_per_output_token_seconds_sum{model_name="old"} 3.5
                # HELP vllm:gpu_prefix_cache_hits_total GPU prefix cache hits.
                # TYPE vllm:gpu_prefix_cache_hits_total counter
                vllm:gpu_prefix_cache_hits_total{model_name="old"} 9.0
                # HELP vllm:kv_cache_usage_perc new name, shown alongside
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{model_name="old"} 0.5
                """;
        try (FixtureServer server = new FixtureServer()) {
            server.body.set(v0);
            Snapshot s = collector(server.url(), "v0", new TestClock()).collect();

            Labels series = Labels.of("target", "v0", "model", "old");
            assertThat(value(s, "aiwatch_inference_kv_cache_usage_ratio", series))
                    .as("current name wins")
                    .isEqualTo(0.5);
            assertThat(value(s, "aiwatch_inference_inter_token_latency_seconds", series))
                    .isEqualTo(3.5);
            assertThat(family(s, "aiwatch_inference_inter_token_latency_seconds")
                            .orElseThrow()
                            .samples())
                    .extracting(Sample::value)
                    .containsExactly(1.0, 3.0, 4.0, 3.5, 4.0);
            assertThat(value(s, "aiwatch_inference_prefix_cache_hits_total", series))
                    .isEqualTo(9);
            assertThat(VllmNames.RENAMES).containsEntry("vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc");
        }
    }

    @Test
    void readsOpenMetricsWhenTheTargetAnswersWithIt() throws Exception {
        String om = """
                # TYPE vllm:prompt_tokens counter
                # HELP vllm:prompt_tokens Number of prefill tokens processed.
                vllm:prompt_tokens_total{engine="0",model_name="m"} 12.0
                vllm:prompt_tokens_created{engine="0",model_name="m"} 1.7562e+09
                # EOF
                """;
        try (FixtureServer server = new FixtureServer()) {
            server.contentType.set("application/openmetrics-text; version=1.0.0; charset=utf-8");
            server.body.set(om);
            VllmCollector c = collector(server.url(), "om", new TestClock());
            Snapshot s = c.collect();
            assertThat(value(
                            s,
                            "aiwatch_inference_prompt_tokens_total",
                            Labels.of("target", "om", "model", "m", "engine", "0")))
                    .isEqualTo(12);

            server.body.set(om.replace("# EOF\n", ""));
            Snapshot truncated = c.collect();
            assertThat(value(
                            truncated,
                            "aiwatch_inference_scrape_errors_total",
                            Labels.of("target", "om", "reason", "parse")))
                    .isEqualTo(1);
            assertThat(truncated.detail(VllmCollector.STATUS).lastError()).contains("missing # EOF");
        }
    }
}
