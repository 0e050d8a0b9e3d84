package io.aiwatch.reader.otlp;

import static io.aiwatch.reader.otlp.OtlpFixtures.attrs;
import static io.aiwatch.reader.otlp.ProxySpansTest.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadgen.LoadRunner;
import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.live.MetricsServer;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.schedule.ArrivalSchedule;
import io.aiwatch.tool.loadgen.workload.Conversation;
import io.aiwatch.tool.proxy.MeasuringProxy;
import io.aiwatch.tool.proxy.ProxyConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Load generator request spans at a test OTLP receiver, their traceparent, and the exemplars of its live metrics. */
class LoadgenSpansTest {
    private static final int N = 4;

    @ParameterizedTest
    @ValueSource(strings = {"nio", "jdk"})
    void everyRequestIsASpanWhoseIdsTheServerReceivedAndTheLiveHistogramsPointAt(String transport) throws Exception {
        LiveMetrics live = new LiveMetrics(0);
        try (CannedOpenAi up = new CannedOpenAi();
                OtlpReceiver rx = OtlpReceiver.http();
                GenAiSpans spans = GenAiSpansTest.spans(rx);
                OpenAiClient client = new OpenAiClient(
                                up.baseUrl(),
                                "/v1/chat/completions",
                                "m",
                                true,
                                false,
                                null,
                                2,
                                System::nanoTime,
                                transport)
                        .tracing(spans);
                MetricsServer server = new MetricsServer("127.0.0.1", 0, live)) {
            RunResult result = new LoadRunner(client, List.of(Conversation.single("hello", 1, 2)), live)
                    .run(RunSpec.of(200, N).withTimeout(Duration.ofSeconds(10)), ArrivalSchedule.of(N, 200, 1, 1));
            assertThat(result.records()).hasSize(N).allMatch(r -> r.ok());
            spans.flush(Duration.ofSeconds(10));
            List<Span> got = GenAiSpansTest.awaitSpans(rx, N);

            Set<String> sent = Set.copyOf(up.traceparents);
            assertThat(sent).hasSize(N);
            for (Span s : got) {
                assertThat(sent).contains("00-" + hex(s.getTraceId()) + "-" + hex(s.getSpanId()) + "-01");
                assertThat(s.getName()).isEqualTo("chat m");
                assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
                assertThat(attrs(s.getAttributesList()))
                        .containsEntry("gen_ai.request.model", "m")
                        .containsEntry("gen_ai.response.model", "canned-model")
                        .containsEntry("gen_ai.usage.input_tokens", 5L)
                        .containsEntry("gen_ai.usage.output_tokens", 2L)
                        .doesNotContainKey("error.type");
                assertThat(s.getAttributesList().stream()
                                .filter(k -> k.getKey().equals("gen_ai.response.finish_reasons"))
                                .flatMap(k -> k.getValue().getArrayValue().getValuesList().stream())
                                .map(v -> v.getStringValue()))
                        .containsExactly("stop");
                assertThat(s.getEventsList())
                        .singleElement()
                        .satisfies(e -> assertThat(e.getName()).isEqualTo(GenAiSpans.FIRST_TOKEN_EVENT));
            }
            Set<String> traceIds = got.stream().map(s -> hex(s.getTraceId())).collect(Collectors.toSet());

            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
            String om = http.send(
                            HttpRequest.newBuilder(uri)
                                    .header("Accept", "application/openmetrics-text")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String family : List.of("aiwatch_loadgen_e2e_latency_seconds", "aiwatch_loadgen_ttft_seconds")) {
                Matcher m = Pattern.compile(
                                "^" + family
                                        + "_bucket\\{worker=\"0\",le=\"[^\"]+\"} \\d+ # \\{trace_id=\"([0-9a-f]{32})\"} \\S+ \\d+\\.\\d{3}$",
                                Pattern.MULTILINE)
                        .matcher(om);
                assertThat(m.find()).as("%s exemplar in:\n%s", family, om).isTrue();
                assertThat(traceIds).contains(m.group(1));
            }
            String text = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(text)
                    .contains("aiwatch_loadgen_e2e_latency_seconds_bucket")
                    .doesNotContain("trace_id");
        }
    }

    @Test
    void theProxySpanJoinsTheLoadgenTraceAsItsChild() throws Exception {
        SimulatorConfig sc = SimulatorConfig.defaults()
                .withModel("sim")
                .withListen("127.0.0.1", 0)
                .withSpeed(10);
        LiveMetrics live = new LiveMetrics(0);
        try (VllmSimulator sim = VllmSimulator.start(sc);
                OtlpReceiver rx = OtlpReceiver.http();
                GenAiSpans spans = GenAiSpansTest.spans(rx);
                MeasuringProxy proxy = MeasuringProxy.start(
                        ProxyConfig.defaults("http://127.0.0.1:" + sim.port()).withListen("127.0.0.1", 0), spans);
                OpenAiClient client = new OpenAiClient(
                                "http://127.0.0.1:" + proxy.port(),
                                "/v1/completions",
                                "sim",
                                true,
                                true,
                                null,
                                2,
                                System::nanoTime,
                                "nio")
                        .tracing(spans)) {
            RunResult result = new LoadRunner(client, List.of(Conversation.single("hello", 1, 5)), live)
                    .run(RunSpec.of(100, 2).withTimeout(Duration.ofSeconds(10)), ArrivalSchedule.of(2, 100, 1, 1));
            assertThat(result.records()).hasSize(2).allMatch(r -> r.ok());
            spans.flush(Duration.ofSeconds(10));
            List<Span> got = GenAiSpansTest.awaitSpans(rx, 4);
            List<Span> roots =
                    got.stream().filter(s -> s.getParentSpanId().isEmpty()).toList();
            assertThat(roots).hasSize(2);
            for (Span root : roots) {
                Span child = got.stream()
                        .filter(s -> s.getParentSpanId().equals(root.getSpanId()))
                        .findFirst()
                        .orElseThrow();
                assertThat(child.getTraceId()).isEqualTo(root.getTraceId());
                assertThat(attrs(child.getAttributesList()))
                        .containsEntry("server.port", (long) sim.port())
                        .containsEntry("gen_ai.usage.output_tokens", 5L);
                assertThat(attrs(root.getAttributesList())).containsEntry("server.port", (long) proxy.port());
                // the proxy sits inside the client's request
                assertThat(child.getStartTimeUnixNano())
                        .isGreaterThanOrEqualTo(root.getStartTimeUnixNano() - 2_000_000);
            }
        }
    }
}
