package io.aiwatch.reader.otlp;

import static io.aiwatch.reader.otlp.OtlpFixtures.attrs;
import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.proxy.MeasuringProxy;
import io.aiwatch.tool.proxy.ProxyConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The measuring proxy's request spans at a test OTLP receiver, their traceparent, and the exemplars on its /metrics. */
class ProxySpansTest {
    static final String CHAT = "{\"model\":\"sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
            + "\"max_tokens\":20,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    private final HttpClient http = HttpClient.newHttpClient();

    static String hex(com.google.protobuf.ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    private HttpResponse<String> post(String url, String body, String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String metrics(int port, boolean openMetrics) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (openMetrics) {
            b.header("Accept", "application/openmetrics-text; version=1.0.0");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aStreamThroughTheProxyToTheSimulatorBecomesOneSpanWhoseTraceIdIsTheExemplar() throws Exception {
        SimulatorConfig sc = SimulatorConfig.defaults()
                .withModel("sim")
                .withListen("127.0.0.1", 0)
                .withSpeed(10);
        try (VllmSimulator sim = VllmSimulator.start(sc);
                OtlpReceiver rx = OtlpReceiver.http();
                GenAiSpans spans = GenAiSpansTest.spans(rx);
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0), spans)) {
            long before = System.currentTimeMillis();
            HttpResponse<String> r = post("http://127.0.0.1:" + proxy.port() + "/v1/chat/completions", CHAT, null);
            assertThat(r.statusCode()).isEqualTo(200);
            spans.flush(Duration.ofSeconds(10));
            Span span = GenAiSpansTest.awaitSpans(rx, 1).get(0);

            assertThat(span.getName()).isEqualTo("chat sim");
            assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(span.getParentSpanId().isEmpty()).isTrue();
            assertThat(attrs(span.getAttributesList()))
                    .containsEntry("gen_ai.operation.name", "chat")
                    .containsEntry("gen_ai.request.model", "sim")
                    .containsEntry("gen_ai.response.model", "sim")
                    .containsEntry("gen_ai.usage.input_tokens", 9L)
                    .containsEntry("gen_ai.usage.output_tokens", 20L)
                    .containsEntry("server.address", "127.0.0.1")
                    .containsEntry("server.port", (long) sim.port())
                    .doesNotContainKey("error.type");
            List<String> reasons = span.getAttributesList().stream()
                    .filter(k -> k.getKey().equals("gen_ai.response.finish_reasons"))
                    .flatMap(k -> k.getValue().getArrayValue().getValuesList().stream())
                    .map(v -> v.getStringValue())
                    .toList();
            assertThat(reasons).containsExactly("length");
            assertThat(span.getStartTimeUnixNano() / 1_000_000).isBetween(before - 5, System.currentTimeMillis());
            assertThat(span.getEventsList()).singleElement().satisfies(e -> {
                assertThat(e.getName()).isEqualTo(GenAiSpans.FIRST_TOKEN_EVENT);
                assertThat(e.getTimeUnixNano()).isBetween(span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
            });
            assertThat(span.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

            String traceId = hex(span.getTraceId());
            String om = metrics(proxy.port(), true);
            double e2e = (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e9;
            for (String family : List.of(
                    "aiwatch_client_e2e_request_latency_seconds",
                    "aiwatch_client_time_to_first_token_seconds",
                    "aiwatch_client_time_per_output_token_seconds")) {
                Pattern p = Pattern.compile(
                        "^" + family + "_bucket\\{model=\"sim\",status=\"200\",le=\"([^\"]+)\"} 1 # "
                                + "\\{trace_id=\"([0-9a-f]{32})\"} (\\S+) (\\d+\\.\\d{3})$",
                        Pattern.MULTILINE);
                Matcher m = p.matcher(om);
                assertThat(m.find()).as("%s exemplar in:\n%s", family, om).isTrue();
                assertThat(m.group(2)).isEqualTo(traceId);
                double value = Double.parseDouble(m.group(3));
                assertThat(value).isLessThanOrEqualTo(Double.parseDouble(m.group(1))); // in its bucket
                assertThat(Double.parseDouble(m.group(4)) * 1000)
                        .isBetween(before - 5.0, System.currentTimeMillis() + 5.0);
                if (family.contains("e2e")) {
                    assertThat(value).isCloseTo(e2e, org.assertj.core.api.Assertions.within(0.002));
                }
                assertThat(m.find())
                        .as("one exemplar per series: the bucket it fell in")
                        .isFalse();
            }
            assertThat(om).endsWith("# EOF\n");
            assertThat(metrics(proxy.port(), false))
                    .contains("aiwatch_client_e2e_request_latency_seconds_bucket")
                    .doesNotContain("trace_id");
        }
    }

    @Test
    void theUpstreamGetsTheSpansTraceparentAndAnIncomingTraceIsContinued() throws Exception {
        try (CannedOpenAi up = new CannedOpenAi();
                OtlpReceiver rx = OtlpReceiver.http();
                GenAiSpans spans = GenAiSpansTest.spans(rx);
                MeasuringProxy proxy =
                        MeasuringProxy.start(ProxyConfig.defaults(up.baseUrl()).withListen("127.0.0.1", 0), spans)) {
            String url = "http://127.0.0.1:" + proxy.port() + "/v1/completions";
            String body = "{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true}";
            assertThat(post(url, body, null).body()).isEqualTo(CannedOpenAi.STREAM);
            String caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            assertThat(post(url, body, caller).statusCode()).isEqualTo(200);
            spans.flush(Duration.ofSeconds(10));
            List<Span> got = GenAiSpansTest.awaitSpans(rx, 2);
            assertThat(up.traceparents).hasSize(2);

            Span root = got.stream()
                    .filter(s -> s.getParentSpanId().isEmpty())
                    .findFirst()
                    .orElseThrow();
            assertThat(up.traceparents.get(0))
                    .isEqualTo("00-" + hex(root.getTraceId()) + "-" + hex(root.getSpanId()) + "-01");
            assertThat(root.getName()).isEqualTo("text_completion m");
            assertThat(attrs(root.getAttributesList()))
                    .containsEntry("gen_ai.response.model", "canned-model")
                    .containsEntry("gen_ai.usage.input_tokens", 5L)
                    .containsEntry("gen_ai.usage.output_tokens", 2L);

            Span child = got.stream()
                    .filter(s -> !s.getParentSpanId().isEmpty())
                    .findFirst()
                    .orElseThrow();
            assertThat(hex(child.getTraceId())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(hex(child.getParentSpanId())).isEqualTo("b7ad6b7169203331");
            // the caller's header is replaced by one naming our span, in the caller's trace
            assertThat(up.traceparents.get(1))
                    .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-" + hex(child.getSpanId()) + "-01");
        }
    }

    @Test
    void anUnreachableUpstreamGivesAnErrorSpanAndAMalformedTraceparentStartsANewTrace() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (OtlpReceiver rx = OtlpReceiver.http();
                GenAiSpans spans = GenAiSpansTest.spans(rx);
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + dead).withListen("127.0.0.1", 0), spans)) {
            HttpResponse<String> r =
                    post("http://127.0.0.1:" + proxy.port() + "/v1/chat/completions", CHAT, "00-zzz-not-a-trace");
            assertThat(r.statusCode()).isEqualTo(502);
            spans.flush(Duration.ofSeconds(10));
            Span span = GenAiSpansTest.awaitSpans(rx, 1).get(0);
            assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
            assertThat(attrs(span.getAttributesList()))
                    .containsEntry("error.type", "502")
                    .containsEntry("gen_ai.request.model", "sim")
                    .doesNotContainKey("gen_ai.usage.output_tokens");
            assertThat(span.getParentSpanId().isEmpty()).isTrue();
            assertThat(span.getEventsList()).isEmpty();
        }
    }
}
