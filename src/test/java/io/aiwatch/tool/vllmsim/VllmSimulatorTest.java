package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.testing.Await;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VllmSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SseClient client = new SseClient();
    private VllmSimulator sim;
    private String base;

    @BeforeEach
    void start() {
        sim = VllmSimulator.start(SimulatorConfig.defaults()
                .withModel("test-model")
                .withListen("127.0.0.1", 0)
                .withSpeed(200));
        base = "http://127.0.0.1:" + sim.port();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void nonStreamingCompletionReportsExactUsage() throws Exception {
        String prompt = "The quick brown fox, 42 times!";
        var r = client.post(
                base + "/v1/completions", "{\"model\":\"test-model\",\"prompt\":\"" + prompt + "\",\"max_tokens\":7}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.path("model").asText()).isEqualTo("test-model");
        // The, quick, brown, fox, ",", 42, times, "!" = 8 tokens
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(8).isEqualTo(SimTokenizer.count(prompt));
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(7);
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(15);
        String text = body.at("/choices/0/text").asText();
        assertThat(SimTokenizer.count(text)).isEqualTo(7);
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void streamingCompletionSendsOneChunkPerTokenThenUsageThenDone() throws Exception {
        var r = client.post(
                base + "/v1/completions",
                "{\"prompt\":\"hello world\",\"max_tokens\":5,\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(r.body().split("\n\n")).allSatisfy(block -> assertThat(block).startsWith("data: "));
        List<SseClient.Event> ev = r.events();
        assertThat(ev).hasSize(5 + 1 + 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            JsonNode c = JSON.readTree(ev.get(i).data());
            text.append(c.at("/choices/0/text").asText());
            assertThat(c.at("/choices/0/finish_reason").isNull()).isEqualTo(i < 4);
        }
        assertThat(JSON.readTree(ev.get(4).data())
                        .at("/choices/0/finish_reason")
                        .asText())
                .isEqualTo("length");
        JsonNode usage = JSON.readTree(ev.get(5).data());
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(2);
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(ev.get(6).data()).isEqualTo("[DONE]");
        assertThat(SimTokenizer.count(text.toString())).isEqualTo(5);
    }

    @Test
    void streamingWithoutIncludeUsageHasNoUsageChunk() throws Exception {
        var r = client.post(base + "/v1/completions", "{\"prompt\":\"hi\",\"max_tokens\":3,\"stream\":true}");
        assertThat(r.events()).hasSize(4);
        assertThat(r.body()).doesNotContain("\"usage\"");
    }

    @Test
    void streamingChatStartsWithRoleAndCountsTemplateTokens() throws Exception {
        var r = client.post(
                base + "/v1/chat/completions",
                "{\"model\":\"test-model\",\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is 2+2?\"}]}],"
                        + "\"max_completion_tokens\":4,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.status()).isEqualTo(200);
        List<SseClient.Event> ev = r.events();
        assertThat(ev).hasSize(1 + 4 + 1 + 1);
        JsonNode role = JSON.readTree(ev.get(0).data());
        assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(JSON.readTree(ev.get(1).data())
                        .at("/choices/0/delta/content")
                        .asText())
                .isNotBlank();
        // 3 + (4 + 2 "be brief") + (4 + 6 "what is 2 + 2 ?")
        assertThat(JSON.readTree(ev.get(5).data()).at("/usage/prompt_tokens").asInt())
                .isEqualTo(19);
    }

    @Test
    void nonStreamingChatReturnsAssistantMessage() throws Exception {
        var r = client.post(
                base + "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(SimTokenizer.count(body.at("/choices/0/message/content").asText()))
                .isEqualTo(3);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(3 + 4 + 1);
    }

    @Test
    void sameSeedAndPromptGiveTheSameOutputAcrossRuns() throws Exception {
        String req = "{\"prompt\":\"tell me a story\",\"max_tokens\":300}";
        JsonNode a = JSON.readTree(client.post(base + "/v1/completions", req).body());
        JsonNode b = JSON.readTree(client.post(base + "/v1/completions", req).body());
        try (VllmSimulator other = VllmSimulator.start(sim.config().withSeed(99).withListen("127.0.0.1", 0));
                VllmSimulator same = VllmSimulator.start(sim.config().withListen("127.0.0.1", 0))) {
            JsonNode c = JSON.readTree(client.post("http://127.0.0.1:" + other.port() + "/v1/completions", req)
                    .body());
            JsonNode d = JSON.readTree(client.post("http://127.0.0.1:" + same.port() + "/v1/completions", req)
                    .body());
            assertThat(a.at("/choices/0/text"))
                    .isEqualTo(b.at("/choices/0/text"))
                    .isEqualTo(d.at("/choices/0/text"));
            assertThat(c.at("/choices/0/text")).isNotEqualTo(a.at("/choices/0/text"));
        }
        int n = a.at("/usage/completion_tokens").asInt();
        assertThat(n).isBetween(16, 256);
        assertThat(a.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void badRequestsGetVllmErrorBodies() throws Exception {
        var bad = client.post(base + "/v1/completions", "{not json");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).at("/error/type").asText()).isEqualTo("Bad Request");
        assertThat(JSON.readTree(bad.body()).at("/error/code").asInt()).isEqualTo(400);
        var model = client.post(base + "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
        assertThat(model.status()).isEqualTo(404);
        assertThat(JSON.readTree(model.body()).path("error"))
                .isEqualTo(JSON.readTree("{\"message\":\"The model `nope` does not exist.\",\"type\":\"NotFoundError\","
                        + "\"param\":\"model\",\"code\":404}"));
        var tooMany = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":5000}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).at("/error/message").asText())
                .isEqualTo("max_tokens=5000 cannot be greater than max_model_len=max_total_tokens=4096. Please"
                        + " request fewer output tokens. (parameter=max_tokens, value=5000)");
        var tooLong =
                client.post(base + "/v1/completions", "{\"prompt\":\"" + "x ".repeat(4090) + "\",\"max_tokens\":10}");
        assertThat(JSON.readTree(tooLong.body()).path("error"))
                .isEqualTo(JSON.readTree("{\"message\":\"This model's maximum context length is 4096 tokens. However,"
                        + " you requested 10 output tokens and your prompt contains 4091 input tokens, for a total of"
                        + " 4101 tokens. Please reduce the length of the input prompt or the number of requested"
                        + " output tokens. (parameter=input_tokens, value=4091)\",\"type\":\"BadRequestError\","
                        + "\"param\":\"input_tokens\",\"code\":400}"));
        var noPrompt = client.post(base + "/v1/completions", "{\"max_tokens\":5}");
        assertThat(noPrompt.status()).isEqualTo(400);
        assertThat(noPrompt.body()).contains("Either prompt or prompt_embeds must be provided and non-empty.");
        // the server keeps working
        assertThat(client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":1}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void servesModelsAndHealth() throws Exception {
        JsonNode models = JSON.readTree(client.get(base + "/v1/models"));
        assertThat(models.at("/data/0/id").asText()).isEqualTo("test-model");
        assertThat(models.at("/data/0/max_model_len").asInt()).isEqualTo(4096);
        assertThat(client.getStatus(base + "/health")).isEqualTo(200);
    }

    @Test
    void concurrentStreamsAllCompleteWithExactCounts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<SseClient.Result>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int tokens = 10 + i;
                fs.add(pool.submit(() -> client.post(
                        base + "/v1/completions",
                        "{\"prompt\":\"p\",\"max_tokens\":" + tokens
                                + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")));
            }
            for (int i = 0; i < fs.size(); i++) {
                var r = fs.get(i).get();
                assertThat(r.events()).hasSize(10 + i + 2);
            }
        } finally {
            pool.shutdownNow();
        }
        // Responses can complete a moment before the engine retires the last requests.
        Await.until(
                sim.engineProgress(),
                () -> sim.metrics().finishedCount("length") >= 64,
                java.time.Duration.ofSeconds(2));
        assertThat(sim.metrics().finishedCount("length")).isEqualTo(64);
        String metrics = client.get(base + "/metrics");
        assertThat(metrics)
                .contains("vllm:generation_tokens_total{engine=\"0\",model_name=\"test-model\"} "
                        + (64 * 10 + 64 * 63 / 2));
        assertThat(metrics.lines()
                        .filter(l -> l.startsWith("vllm:request_success_total{"))
                        .collect(Collectors.toList()))
                .contains(
                        "vllm:request_success_total{engine=\"0\",finished_reason=\"length\",model_name=\"test-model\"} 64");
    }

    @Test
    void monotonicTimingIsSentOnlyWhenAskedAndSpansTheServersOwnWork() throws Exception {
        String body = "{\"prompt\":\"time me\",\"max_tokens\":3,\"stream\":true}";
        long before = System.nanoTime();
        var asked = client.post(base + "/v1/completions", body, "X-Sim-Timing", "1");
        long after = System.nanoTime();
        String value = asked.headers().firstValue("x-sim-monotonic-ns").orElseThrow();
        assertThat(value).matches("received=\\d+,first-write=\\d+");
        long received = Long.parseLong(value.substring(value.indexOf('=') + 1, value.indexOf(',')));
        long firstWrite = Long.parseLong(value.substring(value.lastIndexOf('=') + 1));
        // same process, same monotonic clock: the server's span lies inside the client's
        assertThat(received).isBetween(before, firstWrite);
        assertThat(firstWrite).isLessThanOrEqualTo(after);
        var nonStreaming =
                client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":2}", "X-Sim-Timing", "1");
        assertThat(nonStreaming.headers().firstValue("x-sim-monotonic-ns")).isPresent();
        var notAsked = client.post(base + "/v1/completions", body);
        assertThat(notAsked.headers().firstValue("x-sim-monotonic-ns"))
                .as("no internal clock values unless asked")
                .isEmpty();
    }
}
