package io.aiwatch.reader.otlp;

import static io.aiwatch.reader.otlp.OtlpFixtures.attrs;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request spans on the wire, decoded with the official OTLP trace classes. */
class GenAiSpansTest {
    private static final long T = 1_790_000_000_000_000_000L;

    static GenAiSpans spans(OtlpReceiver rx) {
        OtlpSettings s = OtlpSettings.resolve(
                new OtlpConfig(
                        true,
                        rx.endpoint(),
                        rx.protocol().text(),
                        Map.of("authorization", "Bearer x"),
                        null,
                        "5s",
                        "gzip",
                        Map.of()),
                Map.of());
        return new GenAiSpans(
                GenAiSpans.spanExporter(s, RetryPolicy.getDefault()),
                OtlpResource.build("1.2.3", "node-a", Map.of(), Map.of()),
                Duration.ofMillis(50));
    }

    static List<Span> awaitSpans(OtlpReceiver rx, int n) throws InterruptedException {
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < 200 && out.size() < n; i++) {
            Thread.sleep(50);
            out.clear();
            rx.traceRequests.forEach(r -> r.getResourceSpansList()
                    .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList()))));
        }
        assertThat(out).hasSize(n);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "grpc"})
    void aRequestBecomesAGenAiClientSpanWithTheFirstTokenAsAnEvent(String transport) throws Exception {
        try (OtlpReceiver rx = transport.equals("grpc") ? OtlpReceiver.grpc() : OtlpReceiver.http();
                GenAiSpans spans = spans(rx)) {
            String ok = spans.record(new GenAiSpans.Request(
                    "chat",
                    "vllm",
                    "llama-8b",
                    "llama-8b",
                    URI.create("http://10.0.0.5:8000"),
                    T,
                    T + 120_000_000L,
                    T + 2_000_000_000L,
                    512,
                    128,
                    List.of("stop"),
                    null));
            spans.record(new GenAiSpans.Request(
                    "text_completion",
                    null,
                    "llama-8b",
                    null,
                    URI.create("http://10.0.0.5:8000"),
                    T,
                    -1,
                    T + 5_000_000L,
                    -1,
                    -1,
                    List.of(),
                    "429"));
            spans.flush(Duration.ofSeconds(10));
            List<Span> got = awaitSpans(rx, 2);

            Span chat = got.stream()
                    .filter(s -> s.getName().equals("chat llama-8b"))
                    .findFirst()
                    .orElseThrow();
            assertThat(HexFormat.of().formatHex(chat.getTraceId().toByteArray()))
                    .isEqualTo(ok);
            assertThat(chat.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(chat.getStartTimeUnixNano()).isEqualTo(T);
            assertThat(chat.getEndTimeUnixNano()).isEqualTo(T + 2_000_000_000L);
            Map<String, Object> a = attrs(chat.getAttributesList());
            assertThat(a)
                    .containsEntry("gen_ai.operation.name", "chat")
                    .containsEntry("gen_ai.provider.name", "vllm")
                    .containsEntry("gen_ai.request.model", "llama-8b")
                    .containsEntry("gen_ai.response.model", "llama-8b")
                    .containsEntry("gen_ai.usage.input_tokens", 512L)
                    .containsEntry("gen_ai.usage.output_tokens", 128L)
                    .containsEntry("server.address", "10.0.0.5")
                    .containsEntry("server.port", 8000L)
                    .doesNotContainKey("error.type");
            KeyValue reasons = chat.getAttributesList().stream()
                    .filter(k -> k.getKey().equals("gen_ai.response.finish_reasons"))
                    .findFirst()
                    .orElseThrow();
            assertThat(reasons.getValue().getArrayValue().getValues(0).getStringValue())
                    .isEqualTo("stop");
            assertThat(chat.getEventsList()).singleElement().satisfies(e -> {
                assertThat(e.getName()).isEqualTo(GenAiSpans.FIRST_TOKEN_EVENT);
                assertThat(e.getTimeUnixNano()).isEqualTo(T + 120_000_000L);
                assertThat(attrs(e.getAttributesList())).containsEntry("gen_ai.server.time_to_first_token", 0.12);
            });

            Span failed = got.stream()
                    .filter(s -> s.getName().equals("text_completion llama-8b"))
                    .findFirst()
                    .orElseThrow();
            assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
            assertThat(attrs(failed.getAttributesList()))
                    .containsEntry("error.type", "429")
                    .doesNotContainKey("gen_ai.usage.input_tokens");
            assertThat(failed.getEventsList()).isEmpty();
            assertThat(spans.exported()).isEqualTo(2);
        }
    }

    @Test
    void recordingStaysFastAgainstADeadCollector() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        OtlpSettings settings = OtlpSettings.resolve(
                new OtlpConfig(true, "http://127.0.0.1:" + dead, null, null, null, "1s", null, null), Map.of());
        try (GenAiSpans spans = new GenAiSpans(
                GenAiSpans.spanExporter(settings, RetryPolicy.getDefault()),
                OtlpResource.build("t", "h", Map.of(), Map.of()),
                Duration.ofMillis(50))) {
            long start = System.nanoTime();
            for (int i = 0; i < 50_000; i++) {
                spans.record(
                        new GenAiSpans.Request("chat", null, "m", null, null, T, -1, T + 1, 1, 1, List.of(), null));
            }
            // 50k spans against a queue of 2048: the SDK processor drops the overflow; recording never waits for the
            // network.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(spans.recorded()).isEqualTo(50_000);
            assertThat(spans.exported()).isZero();
        }
    }
}
