package io.aiwatch.source.inference;

import static io.aiwatch.source.inference.VllmCollectorTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.inference.FixtureServer.TestClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Series budgets: a scrape over its target's budget is dropped whole, counted and reported. */
class SeriesBudgetTest {
    static String exposition(int series) {
        StringBuilder sb = new StringBuilder(series * 60 + 100);
        sb.append("# HELP vllm:num_requests_running Running requests.\n");
        sb.append("# TYPE vllm:num_requests_running gauge\n");
        for (int i = 0; i < series; i++) {
            sb.append("vllm:num_requests_running{model_name=\"m\",engine=\"")
                    .append(i)
                    .append("\"} 1\n");
        }
        return sb.toString();
    }

    @Test
    void parserKeepsUpToTheBudgetAndCountsTheRest() throws Exception {
        PromTextParser p = new PromTextParser(PromTextParser.Format.TEXT_0_0_4);
        byte[] body = exposition(1000).getBytes(StandardCharsets.UTF_8);

        p.start(1000);
        p.feed(ByteBuffer.wrap(body));
        assertThat(p.finish())
                .singleElement()
                .satisfies(f -> assertThat(f.samples()).hasSize(1000));

        p.start(999);
        // Fed in odd-sized pieces, as the network delivers it: lines split across buffers.
        for (int at = 0; at < body.length; at += 777) {
            p.feed(ByteBuffer.wrap(body, at, Math.min(777, body.length - at)));
        }
        assertThatThrownBy(p::finish)
                .isInstanceOfSatisfying(SeriesLimitException.class, e -> {
                    assertThat(e.samples()).isEqualTo(1000);
                    assertThat(e.limit()).isEqualTo(999);
                })
                .hasMessage("1000 samples, more than the budget of 999");

        p.start(10);
        p.feed(ByteBuffer.wrap(exposition(3).getBytes(StandardCharsets.UTF_8)));
        assertThat(p.finish().get(0).samples()).hasSize(3);
    }

    @Test
    void streamedParseMatchesTheWholeStringParseAndKeepsErrorsAndLineNumbers() throws Exception {
        PromTextParser p = new PromTextParser(PromTextParser.Format.TEXT_0_0_4);
        String text = "# TYPE a gauge\na 1\nb{x=\"y\"} 2\n";
        List<PromFamily> whole = p.parse(text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        p.start(100);
        for (byte b : bytes) {
            p.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(p.finish()).usingRecursiveComparison().isEqualTo(whole);

        assertThatThrownBy(() -> p.parse("a 1\nb{ 2\n"))
                .isInstanceOf(ParseException.class)
                .hasMessageStartingWith("line 2:");
        assertThatThrownBy(() -> p.parse("a 1\nb 2"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("no trailing newline");
        PromTextParser om = new PromTextParser(PromTextParser.Format.OPENMETRICS_1_0);
        om.start(1);
        om.feed(ByteBuffer.wrap("a 1\nb 2\n".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(om::finish).isInstanceOf(ParseException.class).hasMessageContaining("missing # EOF");
    }

    @Test
    void aLineLongerThanTheLimitIsAParseErrorNotAnAllocation() {
        PromTextParser p = new PromTextParser(PromTextParser.Format.TEXT_0_0_4);
        p.start(100);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 32; i++) {
                        p.feed(ByteBuffer.wrap(chunk));
                    }
                })
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("line longer than " + PromTextParser.MAX_LINE_BYTES);
    }

    @Test
    void targetOverItsBudgetKeepsLastGoodValuesAndReportsDroppedSeries() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            TestClock clock = new TestClock();
            VllmCollector c = new VllmCollector(InferenceConfig.Target.of(server.url(), "big", "5s", "2s"), 500, clock);
            Labels t = Labels.of("target", "big");
            server.body.set(exposition(400));
            Snapshot ok = c.collect();
            assertThat(value(ok, "aiwatch_inference_target_up", t)).isEqualTo(1);
            assertThat(value(ok, "aiwatch_inference_series_budget", t)).isEqualTo(500);
            assertThat(value(ok, "aiwatch_inference_target_over_budget", t)).isZero();
            assertThat(value(ok, "aiwatch_inference_series_dropped_total", t)).isZero();

            server.body.set(exposition(2_000));
            clock.advanceSeconds(5);
            Snapshot over = c.collect();
            assertThat(value(over, "aiwatch_inference_target_up", t)).isZero();
            assertThat(value(over, "aiwatch_inference_target_stale", t)).isEqualTo(1);
            assertThat(value(over, "aiwatch_inference_target_over_budget", t)).isEqualTo(1);
            assertThat(value(over, "aiwatch_inference_series_dropped_total", t)).isEqualTo(2_000);
            assertThat(value(over, "aiwatch_inference_scrape_errors_total", t.and("reason", "series_limit")))
                    .isEqualTo(1);
            assertThat(over.detail(VllmCollector.STATUS).lastError())
                    .isEqualTo("series_limit: 2000 samples, more than the budget of 500");
            // The last good values stay.
            assertThat(VllmCollectorTest.family(over, "aiwatch_inference_requests_running"))
                    .isEqualTo(VllmCollectorTest.family(ok, "aiwatch_inference_requests_running"));

            server.body.set(exposition(10));
            clock.advanceSeconds(5);
            Snapshot back = c.collect();
            assertThat(value(back, "aiwatch_inference_target_up", t)).isEqualTo(1);
            assertThat(value(back, "aiwatch_inference_target_over_budget", t)).isZero();
            assertThat(value(back, "aiwatch_inference_series_dropped_total", t)).isEqualTo(2_000);
        }
    }

    @Test
    void theTotalBudgetIsSharedByTheTargets() {
        List<InferenceConfig.Target> ten = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(InferenceConfig.Target.of("http://127.0.0.1:1/m" + i, "t" + i, null, null));
        }
        assertThat(new InferenceConfig(ten).budgetPerTarget()).isEqualTo(20_000);
        assertThat(new InferenceConfig(ten.subList(0, 2)).budgetPerTarget()).isEqualTo(50_000);
        assertThat(InferenceConfig.of(ten.subList(0, 1), null, 1000, null).budgetPerTarget())
                .isEqualTo(1000);
        assertThatThrownBy(() -> InferenceConfig.of(ten, null, 50, null))
                .hasMessageContaining("inference.max_series_per_target 50 must be between 100 and 1000000");
        assertThatThrownBy(() -> InferenceConfig.of(ten, null, null, Integer.MAX_VALUE))
                .hasMessageContaining("inference.max_series_total");
    }
}
