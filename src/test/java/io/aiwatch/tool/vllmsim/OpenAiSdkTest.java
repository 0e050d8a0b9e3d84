package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.aiwatch.tool.proxy.MeasuringProxy;
import io.aiwatch.tool.proxy.ProxyConfig;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a user of the official OpenAI Java SDK sees from the simulator, directly and through the
 * measuring proxy: results, usage, streams, sampling parameters, and errors with their message,
 * type and param (the SDK reads vLLM's current {@code {"error": {...}}} body).
 */
class OpenAiSdkTest {
    private static VllmSimulator sim;
    private static MeasuringProxy proxy;

    @BeforeAll
    static void start() {
        sim = VllmSimulator.start(SimulatorConfig.defaults()
                .withModel("sim-model")
                .withListen("127.0.0.1", 0)
                .withSpeed(2000));
        proxy = MeasuringProxy.start(
                ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        sim.close();
    }

    static Stream<String> servers() {
        return Stream.of("simulator", "proxy");
    }

    private static OpenAIClient client(String which) {
        int port = which.equals("proxy") ? proxy.port() : sim.port();
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey("unused")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void completionAndChatCarryExactUsage(String which) {
        OpenAIClient c = client(which);
        Completion done = c.completions()
                .create(CompletionCreateParams.builder()
                        .model("sim-model")
                        .prompt("The quick brown fox, 42 times!")
                        .maxTokens(7)
                        .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
                        .build());
        assertThat(done.choices()).hasSize(1);
        assertThat(done.usage().orElseThrow().promptTokens()).isEqualTo(8);
        assertThat(done.usage().orElseThrow().completionTokens()).isEqualTo(7);
        assertThat(done.choices().get(0).finishReason().asString()).isEqualTo("length");
        assertThat(SimTokenizer.count(done.choices().get(0).text())).isEqualTo(7);

        ChatCompletion chat = c.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("sim-model")
                        .addUserMessage("hi")
                        .maxCompletionTokens(3)
                        .n(2)
                        .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
                        .build());
        assertThat(chat.choices()).hasSize(2);
        assertThat(chat.usage().orElseThrow().completionTokens()).isEqualTo(6);
        assertThat(chat.choices().get(1).message().content().orElseThrow()).isNotBlank();
        List<Model> models = c.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("sim-model");
        assertThat(models.get(0).ownedBy()).isEqualTo("vllm");
    }

    @ParameterizedTest
    @MethodSource("servers")
    void streamsEndWithUsageAndStopAtStopStrings(String which) {
        OpenAIClient c = client(which);
        Completion full = c.completions()
                .create(CompletionCreateParams.builder()
                        .model("sim-model")
                        .prompt("stream me")
                        .maxTokens(30)
                        .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
                        .build());
        String text = full.choices().get(0).text();
        String stop = SimVocabulary.split(text).get(4).trim();
        StringBuilder streamed = new StringBuilder();
        String finish = null;
        long usageTokens = -1;
        try (StreamResponse<ChatCompletionChunk> s = c.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("sim-model")
                        .addUserMessage("stream me")
                        .maxCompletionTokens(30)
                        .stop(stop)
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
                        .build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(streamed::append);
                    if (ch.finishReason().isPresent()) {
                        finish = ch.finishReason().get().asString();
                    }
                }
                if (chunk.usage().isPresent()) {
                    usageTokens = chunk.usage().get().completionTokens();
                }
            }
        }
        assertThat(finish).isIn("stop", "length");
        assertThat(usageTokens).isPositive();
        if (finish.equals("stop")) {
            assertThat(streamed.toString()).doesNotContain(stop);
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void errorsReachTheSdkWithMessageTypeAndParam(String which) {
        OpenAIClient c = client(which);
        NotFoundException nf = catchThrowableOfType(
                NotFoundException.class,
                () -> c.completions()
                        .create(CompletionCreateParams.builder()
                                .model("no-such-model")
                                .prompt("x")
                                .build()));
        assertThat(nf.statusCode()).isEqualTo(404);
        assertThat(nf.getMessage()).contains("The model `no-such-model` does not exist.");
        assertThat(nf.type()).contains("NotFoundError");
        assertThat(nf.param()).contains("model");

        BadRequestException tooMany = catchThrowableOfType(
                BadRequestException.class,
                () -> c.completions()
                        .create(CompletionCreateParams.builder()
                                .model("sim-model")
                                .prompt("x")
                                .maxTokens(5000)
                                .build()));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.getMessage())
                .contains("max_tokens=5000 cannot be greater than max_model_len=max_total_tokens=4096");
        assertThat(tooMany.type()).contains("BadRequestError");
        assertThat(tooMany.param()).contains("max_tokens");

        BadRequestException topLogprobs = catchThrowableOfType(
                BadRequestException.class,
                () -> c.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("sim-model")
                                .addUserMessage("x")
                                .topLogprobs(3)
                                .build()));
        assertThat(topLogprobs.getMessage()).contains("when using `top_logprobs`, `logprobs` must be set to true.");
        assertThat(topLogprobs.param()).contains("top_logprobs");
    }

    @org.junit.jupiter.api.Test
    void theProxysOwnGatewayErrorsReachTheSdkToo() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (MeasuringProxy dead = MeasuringProxy.start(
                ProxyConfig.defaults("http://127.0.0.1:" + closedPort).withListen("127.0.0.1", 0))) {
            OpenAIClient c = OpenAIOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + dead.port() + "/v1")
                    .apiKey("unused")
                    .maxRetries(0)
                    .build();
            OpenAIServiceException e = catchThrowableOfType(
                    InternalServerException.class,
                    () -> c.completions()
                            .create(CompletionCreateParams.builder()
                                    .model("m")
                                    .prompt("x")
                                    .build()));
            assertThat(e.statusCode()).isEqualTo(502);
            assertThat(e.type()).contains("BadGateway");
            assertThat(e.getMessage()).contains("upstream");
        }
    }
}
