package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sampling parameters vLLM honours (stop strings and token ids, include_stop_str_in_output,
 * min_tokens, ignore_eos, n, seed, logprobs) and the routes beside completions (/tokenize,
 * /detokenize, /version, unknown routes), checked on the wire against vLLM's rules.
 */
class SamplingParamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SseClient client = new SseClient();
    private static VllmSimulator sim;
    private static String base;

    @BeforeAll
    static void start() {
        sim = VllmSimulator.start(SimulatorConfig.defaults()
                .withModel("m")
                .withListen("127.0.0.1", 0)
                .withSpeed(2000));
        base = "http://127.0.0.1:" + sim.port();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static JsonNode complete(String body) throws Exception {
        var r = client.post(base + "/v1/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String streamedText(List<SseClient.Event> events, int index) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (SseClient.Event e : events) {
            if (e.data().equals("[DONE]")) {
                continue;
            }
            JsonNode c = JSON.readTree(e.data());
            for (JsonNode ch : c.path("choices")) {
                if (ch.path("index").asInt() == index) {
                    sb.append(
                            ch.has("text")
                                    ? ch.path("text").asText()
                                    : ch.at("/delta/content").asText(""));
                }
            }
        }
        return sb.toString();
    }

    @Test
    void withoutIgnoreEosTheModelStopsAtItsOwnEosWithAnEmptyLastToken() throws Exception {
        JsonNode free = complete("{\"prompt\":\"once upon a time\",\"max_tokens\":400}");
        int n = free.at("/usage/completion_tokens").asInt();
        assertThat(n).isBetween(16, 256);
        assertThat(free.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(free.at("/choices/0/stop_reason").isNull()).isTrue();
        // EOS is counted but has no text
        assertThat(SimTokenizer.count(free.at("/choices/0/text").asText())).isEqualTo(n - 1);

        JsonNode forced = complete("{\"prompt\":\"once upon a time\",\"max_tokens\":400,\"ignore_eos\":true}");
        assertThat(forced.at("/usage/completion_tokens").asInt()).isEqualTo(400);
        assertThat(forced.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(forced.at("/choices/0/text").asText())
                .startsWith(free.at("/choices/0/text").asText());
    }

    @Test
    void completionsWithoutMaxTokensStopAfterVllmsDefaultOfSixteen() throws Exception {
        JsonNode r = complete("{\"prompt\":\"hello\",\"ignore_eos\":true}");
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(16);
    }

    @Test
    void minTokensKeepsEosAway() throws Exception {
        JsonNode free = complete("{\"prompt\":\"abc\",\"max_tokens\":400}");
        int natural = free.at("/usage/completion_tokens").asInt();
        JsonNode min = complete("{\"prompt\":\"abc\",\"max_tokens\":400,\"min_tokens\":" + (natural + 5) + "}");
        assertThat(min.at("/usage/completion_tokens").asInt()).isEqualTo(natural + 6);
        assertThat(min.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void stopStringTruncatesTheTextAndIsReportedAsStopReason() throws Exception {
        JsonNode full = complete("{\"prompt\":\"p\",\"max_tokens\":40,\"ignore_eos\":true}");
        String text = full.at("/choices/0/text").asText();
        List<String> words = SimVocabulary.split(text);
        String stop = words.get(5).trim(); // a word that first appears at the 6th token or earlier
        int at = text.indexOf(stop);
        JsonNode cut = complete(
                "{\"prompt\":\"p\",\"max_tokens\":40,\"ignore_eos\":true,\"stop\":[\"zzz\",\"" + stop + "\"]}");
        assertThat(cut.at("/choices/0/text").asText()).isEqualTo(text.substring(0, at));
        assertThat(cut.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(cut.at("/choices/0/stop_reason").asText()).isEqualTo(stop);
        JsonNode kept = complete("{\"prompt\":\"p\",\"max_tokens\":40,\"ignore_eos\":true,\"stop\":\"" + stop
                + "\",\"include_stop_str_in_output\":true}");
        assertThat(kept.at("/choices/0/text").asText()).isEqualTo(text.substring(0, at + stop.length()));
        // the stream shows exactly the same text, holding back what could become a stop string
        var r = client.post(
                base + "/v1/completions",
                "{\"prompt\":\"p\",\"max_tokens\":40,\"ignore_eos\":true,\"stream\":true,\"stop\":[\"zzz\",\"" + stop
                        + "\"]}");
        assertThat(streamedText(r.events(), 0)).isEqualTo(text.substring(0, at));
    }

    @Test
    void stopTokenIdsStopWithTheIdAsStopReason() throws Exception {
        JsonNode full = complete("{\"prompt\":\"q\",\"max_tokens\":30,\"ignore_eos\":true}");
        String text = full.at("/choices/0/text").asText();
        String third = SimVocabulary.split(text).get(2);
        JsonNode tok = JSON.readTree(client.post(base + "/tokenize", "{\"prompt\":\"" + third + "\"}")
                .body());
        int id = tok.at("/tokens/0").asInt();
        JsonNode cut =
                complete("{\"prompt\":\"q\",\"max_tokens\":30,\"ignore_eos\":true,\"stop_token_ids\":[" + id + "]}");
        int first = SimVocabulary.split(text).indexOf(third);
        assertThat(cut.at("/usage/completion_tokens").asInt()).isEqualTo(first + 1);
        assertThat(cut.at("/choices/0/stop_reason").asInt()).isEqualTo(id);
        assertThat(cut.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        // the stop token is generated but not shown
        assertThat(SimTokenizer.count(cut.at("/choices/0/text").asText())).isEqualTo(first);
    }

    @Test
    void nGivesIndependentChoicesAndUsageCountsThemAll() throws Exception {
        JsonNode r = complete("{\"prompt\":\"a b c\",\"max_tokens\":8,\"n\":3,\"ignore_eos\":true}");
        assertThat(r.path("choices")).hasSize(3);
        assertThat(r.at("/choices/2/index").asInt()).isEqualTo(2);
        assertThat(r.at("/choices/0/text")).isNotEqualTo(r.at("/choices/1/text"));
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(24);
        assertThat(r.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        var s = client.post(
                base + "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":5,\"n\":2,\"ignore_eos\":true,"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        JsonNode usage = JSON.readTree(s.events().get(s.events().size() - 2).data());
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(10);
        assertThat(streamedText(s.events(), 1)).isNotEmpty().isNotEqualTo(streamedText(s.events(), 0));
        var greedy = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"n\":2,\"temperature\":0}");
        assertThat(JSON.readTree(greedy.body()).at("/error/message").asText())
                .isEqualTo("n must be 1 when using greedy sampling, got 2.");
    }

    @Test
    void seedChangesTheTextReproducibly() throws Exception {
        String a = complete("{\"prompt\":\"s\",\"seed\":1,\"ignore_eos\":true}")
                .at("/choices/0/text")
                .asText();
        String b = complete("{\"prompt\":\"s\",\"seed\":1,\"ignore_eos\":true}")
                .at("/choices/0/text")
                .asText();
        String c = complete("{\"prompt\":\"s\",\"seed\":2,\"ignore_eos\":true}")
                .at("/choices/0/text")
                .asText();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void logprobsHaveVllmsShapes() throws Exception {
        JsonNode r = complete("{\"prompt\":\"l\",\"max_tokens\":4,\"logprobs\":2,\"ignore_eos\":true}");
        JsonNode lp = r.at("/choices/0/logprobs");
        assertThat(lp.path("tokens")).hasSize(4);
        assertThat(lp.path("token_logprobs")).hasSize(4);
        assertThat(lp.path("text_offset").get(1).asInt())
                .isEqualTo(lp.path("tokens").get(0).asText().length());
        // the sampled token plus the top 2
        assertThat(lp.path("top_logprobs").get(0).size()).isEqualTo(3);
        assertThat(lp.at("/top_logprobs/0").path(lp.at("/tokens/0").asText()).asDouble())
                .isEqualTo(lp.at("/token_logprobs/0").asDouble());
        JsonNode chat = JSON.readTree(client.post(
                        base + "/v1/chat/completions",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":3,\"logprobs\":true,"
                                + "\"top_logprobs\":2,\"ignore_eos\":true}")
                .body());
        JsonNode content = chat.at("/choices/0/logprobs/content");
        assertThat(content).hasSize(3);
        assertThat(content.at("/0/top_logprobs")).hasSize(2);
        assertThat(content.at("/0/top_logprobs/0/token")).isEqualTo(content.at("/0/token"));
        assertThat(content.at("/0/bytes/0").asInt()).isEqualTo(' ');
        var missing = client.post(
                base + "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_logprobs\":2}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).at("/error/param").asText()).isEqualTo("top_logprobs");
        assertThat(JSON.readTree(missing.body()).at("/error/message").asText())
                .contains("when using `top_logprobs`, `logprobs` must be set to true.");
        // over --max-logprobs: a 400, or, once a stream has started, an error event
        var tooMany = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"logprobs\":25}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).at("/error/message").asText())
                .isEqualTo("Requested sample logprobs of 25, which is greater than max allowed: 20"
                        + " (parameter=logprobs, value=25)");
        var streamed = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"logprobs\":25,\"stream\":true}");
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(JSON.readTree(streamed.events().get(0).data())
                        .at("/error/code")
                        .asInt())
                .isEqualTo(400);
        assertThat(streamed.events().get(1).data()).isEqualTo("[DONE]");
    }

    @Test
    void invalidParametersAreRejectedWithVllmsWordsAndParam() throws Exception {
        var temp = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"temperature\":-1}");
        assertThat(JSON.readTree(temp.body()).path("error"))
                .isEqualTo(JSON.readTree("{\"message\":\"temperature must be non-negative, got -1.0."
                        + " (parameter=temperature, value=-1.0)\",\"type\":\"BadRequestError\",\"param\":"
                        + "\"temperature\",\"code\":400}"));
        var options =
                client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"stream_options\":{\"include_usage\":true}}");
        assertThat(JSON.readTree(options.body()).path("error").path("param").asText())
                .isEqualTo("stream_options");
        assertThat(JSON.readTree(options.body()).at("/error/type").asText()).isEqualTo("Bad Request");
        var type = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"n\":\"two\"}");
        assertThat(JSON.readTree(type.body()).at("/error/message").asText())
                .isEqualTo("[{'type': 'int_parsing', 'loc': ('body', 'n'), 'msg': 'Input should be a valid integer,"
                        + " unable to parse string as an integer', 'input': 'two'}]");
        var media = client.http()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/completions"))
                                .header("Content-Type", "text/plain")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(media.statusCode()).isEqualTo(400);
        assertThat(media.body()).contains("Unsupported Media Type: Only 'application/json' is allowed");
        var minMax = client.post(base + "/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":4,\"min_tokens\":5}");
        assertThat(JSON.readTree(minMax.body()).at("/error/message").asText())
                .isEqualTo("min_tokens must be less than or equal to max_tokens=4, got 5.");
    }

    @Test
    void tokenizeCountsWhatCompletionsCountAndDetokenizeInvertsIt() throws Exception {
        String prompt = "The quick brown fox, 42 times!";
        JsonNode tok = JSON.readTree(client.post(
                        base + "/tokenize",
                        "{\"model\":\"m\",\"prompt\":\"" + prompt + "\"," + "\"return_token_strs\":true}")
                .body());
        assertThat(tok.path("count").asInt()).isEqualTo(8).isEqualTo(SimTokenizer.count(prompt));
        assertThat(tok.path("max_model_len").asInt()).isEqualTo(4096);
        assertThat(tok.at("/token_strs/3").asText()).isEqualTo(" fox");
        JsonNode detok = JSON.readTree(client.post(base + "/detokenize", "{\"tokens\":" + tok.path("tokens") + "}")
                .body());
        assertThat(detok.path("prompt").asText()).isEqualTo(prompt);
        String messages = "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]";
        JsonNode chatTok = JSON.readTree(client.post(base + "/tokenize", "{\"messages\":" + messages + "}")
                .body());
        JsonNode chat = JSON.readTree(
                client.post(base + "/v1/chat/completions", "{\"messages\":" + messages + ",\"max_tokens\":1}")
                        .body());
        assertThat(chatTok.path("count").asInt())
                .isEqualTo(chat.at("/usage/prompt_tokens").asInt());
        assertThat(client.post(base + "/tokenize", "{\"model\":\"other\",\"prompt\":\"x\"}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void versionPingAndUnknownRoutesAnswerLikeVllm() throws Exception {
        assertThat(JSON.readTree(client.get(base + "/version")).path("version").asText())
                .isEqualTo(VllmSimulator.VLLM_VERSION);
        assertThat(client.getStatus(base + "/ping")).isEqualTo(200);
        var missing = client.post(base + "/v1/nothing", "{}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error"))
                .isEqualTo(JSON.readTree(
                        "{\"message\":\"Not Found\",\"type\":\"Not Found\",\"param\":null,\"code\":404}"));
        var method = client.http()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/completions"))
                                .GET()
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(method.body()).at("/error/type").asText()).isEqualTo("Method Not Allowed");
        JsonNode models = JSON.readTree(client.get(base + "/v1/models"));
        assertThat(models.at("/data/0/permission/0/object").asText()).isEqualTo("model_permission");
        assertThat(models.at("/data/0/root").asText()).isEqualTo("m");
    }
}
