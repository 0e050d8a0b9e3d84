package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.source.inference.PromTextParser.Format;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PromTextParserTest {

    static String resource(String name) throws IOException {
        try (InputStream in = PromTextParserTest.class.getResourceAsStream("/inference/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<PromFamily> parse(String text) throws ParseException {
        return new PromTextParser(Format.TEXT_0_0_4).parse(text);
    }

    static List<PromFamily> parseOm(String text) throws ParseException {
        return new PromTextParser(Format.OPENMETRICS_1_0).parse(text);
    }

    static PromFamily family(List<PromFamily> families, String name) {
        return families.stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name));
    }

    private static long sampleLines(String text) {
        return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
    }

    @Test
    void readsEveryFamilyAndSampleOfTheSyntheticVllmScrape() throws Exception {
        String text = resource("exposition_synthetic_v1.txt");
        List<PromFamily> families = parse(text);

        assertThat(families).hasSize(62);
        assertThat(families.stream().mapToInt(f -> f.samples().size()).sum())
                .isEqualTo(354)
                .isEqualTo((int) sampleLines(text));
        Map<PromType, Long> byType =
                families.stream().collect(Collectors.groupingBy(PromFamily::type, Collectors.counting()));
        assertThat(byType)
                .containsOnly(
                        Map.entry(PromType.GAUGE, 34L),
                        Map.entry(PromType.HISTOGRAM, 16L),
                        Map.entry(PromType.COUNTER, 12L));
        assertThat(families).allSatisfy(f -> assertThat(f.help()).isNotEmpty());

        PromFamily ttft = family(families, "vllm:time_to_first_token_seconds");
        assertThat(ttft.samples()).hasSize(25);
        assertThat(ttft.samples().stream()
                        .filter(s -> s.name().endsWith("_bucket"))
                        .map(s -> s.labels().get("le")))
                .containsExactly(
                        "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75", "1.0",
                        "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0", "160.0", "640.0", "2560.0", "+Inf");
        assertThat(ttft.samples().get(24).name()).isEqualTo("vllm:time_to_first_token_seconds_sum");
        assertThat(ttft.samples().get(24).value()).isEqualTo(0.627678);
        assertThat(ttft.samples().get(0).labels().get("model_name")).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");

        PromFamily success = family(families, "vllm:request_success_total");
        assertThat(success.type()).isEqualTo(PromType.COUNTER);
        assertThat(success.samples())
                .extracting(s -> s.labels().get("finished_reason"))
                .containsExactly("stop", "length", "abort", "error", "repetition");
        assertThat(success.samples()).extracting(PromSample::value).containsExactly(3.0, 7.0, 0.0, 0.0, 0.0);
        assertThat(family(families, "vllm:prompt_tokens_created")
                        .samples()
                        .get(0)
                        .value())
                .isEqualTo(1.756200000123e9);
        PromSample cache = family(families, "vllm:cache_config_info").samples().get(0);
        assertThat(cache.labels().size()).isEqualTo(12);
        assertThat(cache.labels().get("swap_space_bytes")).isEqualTo("4294967296");
        assertThat(cache.hasTimestamp()).isFalse();
    }

    @Test
    void readsTheDocsExcerptsWithMultiprocessOrderUntypedSamplesAndEmptyFamilies() throws Exception {
        String text = resource("exposition_docs_excerpts.txt");
        List<PromFamily> families = parse(text);

        assertThat(families).hasSize(11);
        assertThat(families.stream().mapToInt(f -> f.samples().size()).sum())
                .isEqualTo(28)
                .isEqualTo((int) sampleLines(text));
        PromFamily iteration = family(families, "vllm:iteration_tokens_total");
        assertThat(iteration.type()).isEqualTo(PromType.HISTOGRAM);
        assertThat(iteration.samples()).hasSize(9);
        assertThat(iteration.samples().get(0).name()).isEqualTo("vllm:iteration_tokens_total_sum");
        assertThat(family(families, "vllm:time_to_first_token_seconds").samples())
                .hasSize(9);
        assertThat(family(families, "vllm:cache_config_info").samples()).isEmpty();
        assertThat(family(families, "vllm:cache_config_info").help())
                .isEqualTo("Information of the LLMEngine CacheConfig");
        PromFamily http = family(families, "http_requests_total");
        assertThat(http.type()).isEqualTo(PromType.UNTYPED);
        assertThat(http.samples().get(0).labels().get("handler")).isEqualTo("/v1/completions");
        assertThat(family(families, "http_request_duration_highr_seconds_count")
                        .samples()
                        .get(0)
                        .value())
                .isEqualTo(201.0);
    }

    @Test
    void unescapesLabelValuesAndHelpAndReadsSpecialValuesAndTimestamps() throws Exception {
        String text = """
                # HELP m A "quoted" help with a \\\\ backslash\\nand a newline.
                # TYPE m gauge
                m{path="C:\\\\dir",q="say \\"hi\\"",nl="a\\nb",empty=""} NaN
                m{k="pos"} +Inf 1700000000000
                m{k="neg"} -Inf -5
                m{k="exp",} 1.5e-3\t
                  m { k = "spaced" }   -0.25
                """;
        PromFamily m = parse(text).get(0);

        assertThat(m.help()).isEqualTo("A \"quoted\" help with a \\ backslash\nand a newline.");
        PromSample first = m.samples().get(0);
        assertThat(first.labels().get("path")).isEqualTo("C:\\dir");
        assertThat(first.labels().get("q")).isEqualTo("say \"hi\"");
        assertThat(first.labels().get("nl")).isEqualTo("a\nb");
        assertThat(first.labels().get("empty")).isEmpty();
        assertThat(first.value()).isNaN();
        assertThat(m.samples().get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(m.samples().get(1).timestampMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(m.samples().get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(m.samples().get(2).timestampMillis()).isEqualTo(-5);
        assertThat(m.samples().get(3).value()).isEqualTo(0.0015);
        assertThat(m.samples().get(4).labels().get("k")).isEqualTo("spaced");
        assertThat(m.samples().get(4).value()).isEqualTo(-0.25);
    }

    @Test
    void readsOpenMetricsWithUnitsCountersExemplarsAndEof() throws Exception {
        String text = """
                # TYPE vllm:prompt_tokens counter
                # HELP vllm:prompt_tokens Prefill \\"tokens\\".
                vllm:prompt_tokens_total{model_name="m"} 42.0 # {trace_id="abc"} 3.0 1.6e9
                vllm:prompt_tokens_created{model_name="m"} 1.7562e9
                # TYPE latency_seconds histogram
                # UNIT latency_seconds seconds
                latency_seconds_bucket{le="0.1"} 1 # {trace_id="x"} 0.05
                latency_seconds_bucket{le="+Inf"} 2
                latency_seconds_count 2
                latency_seconds_sum 0.3 1700000000.5
                # TYPE up gauge
                up 1
                # EOF
                """;
        List<PromFamily> families = parseOm(text);

        assertThat(families)
                .extracting(PromFamily::name)
                .containsExactly("vllm:prompt_tokens", "latency_seconds", "up");
        PromFamily counter = families.get(0);
        assertThat(counter.help()).isEqualTo("Prefill \"tokens\".");
        assertThat(counter.samples())
                .extracting(PromSample::name)
                .containsExactly("vllm:prompt_tokens_total", "vllm:prompt_tokens_created");
        Exemplar ex = counter.samples().get(0).exemplar();
        assertThat(ex.labels().get("trace_id")).isEqualTo("abc");
        assertThat(ex.value()).isEqualTo(3.0);
        assertThat(ex.timestamp()).isEqualTo(java.time.Instant.ofEpochSecond(1_600_000_000));
        PromFamily hist = families.get(1);
        assertThat(hist.unit()).isEqualTo("seconds");
        assertThat(hist.samples().get(0).exemplar().timestamp()).isNull();
        assertThat(hist.samples().get(3).timestampMillis()).isEqualTo(1_700_000_000_500L);
        assertThat(parseOm("# EOF")).isEmpty();
    }

    @Test
    void reusesStringsAcrossScrapesOfTheSameTarget() throws Exception {
        PromTextParser parser = new PromTextParser(Format.TEXT_0_0_4);
        String text = resource("exposition_synthetic_v1.txt");
        List<PromFamily> a = parser.parse(text);
        List<PromFamily> b = parser.parse(new String(text.toCharArray()));

        assertThat(b).isEqualTo(a);
        PromSample sa = a.get(0).samples().get(0);
        PromSample sb = b.get(0).samples().get(0);
        assertThat(sb.labels().get("model_name")).isSameAs(sa.labels().get("model_name"));
        assertThat(sb.name()).isSameAs(sa.name());
    }

    @Test
    void choosesTheGrammarFromTheContentType() {
        assertThat(Format.fromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"))
                .isEqualTo(Format.OPENMETRICS_1_0);
        assertThat(Format.fromContentType("text/plain; version=0.0.4")).isEqualTo(Format.TEXT_0_0_4);
        assertThat(Format.fromContentType(null)).isEqualTo(Format.TEXT_0_0_4);
    }

    @Test
    void rejectsATruncatedTextExpositionAtItsLastLine() {
        assertThatThrownBy(() -> parse("# TYPE a gauge\na 1\na{x=\"1\"} 12"))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.reason()).contains("truncated");
                });
        assertThatThrownBy(() -> parse("a{x=\"1"))
                .isInstanceOfSatisfying(
                        ParseException.class, e -> assertThat(e.getMessage()).startsWith("line 1: unterminated"));
    }
}
