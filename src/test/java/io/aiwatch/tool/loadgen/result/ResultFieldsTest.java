package io.aiwatch.tool.loadgen.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.report.ConsoleSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultFieldsTest {
    private static final long MS = 1_000_000L;

    /** A streamed request sent at send ms: first chunk after ttft, then chunks at the given gaps. */
    static RequestRecord streamed(int pos, long dueMs, long sendMs, long ttftMs, long[] gapsMs, int outTokens) {
        long first = (sendMs + ttftMs) * MS;
        long last = first;
        long[] gaps = new long[gapsMs.length];
        for (int i = 0; i < gapsMs.length; i++) {
            gaps[i] = gapsMs[i] * MS;
            last += gaps[i];
        }
        return new RequestRecord(
                pos, dueMs * MS, sendMs * MS, first, last, 10, outTokens, true, gaps, true, Outcome.OK, null);
    }

    private static RunResult run(List<RequestRecord> records, double rate, double durationS) {
        return new RunResult(
                records,
                rate,
                RunSpec.of(rate, records.size()),
                1_700_000_000_000L,
                (long) (durationS * 1e9),
                0,
                false);
    }

    @Test
    void definesTtftTpotItlAndE2elAsVllmBenchServeDoes() {
        // vLLM docs example: 5 tokens, TTFT 100 ms, chunks 40 ms apart carrying 2 tokens each
        RequestRecord r = streamed(0, 0, 0, 100, new long[] {40, 40}, 5);
        assertThat(r.ttftNanos()).isEqualTo(100 * MS);
        assertThat(r.e2elNanos()).isEqualTo(180 * MS);
        assertThat(r.tpotNanos() / MS).isCloseTo(20.0, within(1e-9)); // (180 - 100) / (5 - 1)
        Map<String, Object> m = ResultFields.compute(run(List.of(r), 1, 1), StatsOptions.defaults("m"), false);
        assertThat((double) m.get("mean_itl_ms")).isCloseTo(40.0, within(1e-9));
        assertThat((double) m.get("mean_tpot_ms")).isCloseTo(20.0, within(1e-9));
        assertThat((double) m.get("mean_ttft_ms")).isCloseTo(100.0, within(1e-9));
        assertThat((double) m.get("mean_e2el_ms")).isCloseTo(180.0, within(1e-9));
    }

    @Test
    void tpotLeavesOutSingleTokenRequestsAndItlPoolsAllGaps() {
        RequestRecord one = streamed(0, 0, 0, 50, new long[] {}, 1);
        RequestRecord a = streamed(1, 0, 0, 10, new long[] {10, 30}, 3); // tpot 20
        RequestRecord b = streamed(2, 0, 0, 10, new long[] {50}, 2); // tpot 50
        Map<String, Object> m = ResultFields.compute(run(List.of(one, a, b), 1, 1), StatsOptions.defaults("m"), false);
        assertThat((double) m.get("mean_tpot_ms")).isCloseTo(35.0, within(1e-9));
        assertThat((double) m.get("mean_itl_ms")).isCloseTo(30.0, within(1e-9)); // (10 + 30 + 50) / 3
        assertThat((double) m.get("median_itl_ms")).isCloseTo(30.0, within(1e-9));
        assertThat((double) m.get("mean_ttft_ms")).isCloseTo(70.0 / 3, within(1e-9));
    }

    @Test
    void percentilesInterpolateLinearlyLikeNumpy() {
        double[] v = {1, 2, 3, 4, 10};
        assertThat(Percentiles.percentile(v, 50)).isEqualTo(3.0);
        assertThat(Percentiles.percentile(v, 90)).isCloseTo(7.6, within(1e-12)); // numpy.percentile([1,2,3,4,10], 90)
        assertThat(Percentiles.percentile(v, 99)).isCloseTo(9.76, within(1e-12));
        assertThat(Percentiles.std(new double[] {2, 4, 4, 4, 5, 5, 7, 9})).isEqualTo(2.0);
        assertThat(Percentiles.key(99.9)).isEqualTo("p99.9");
        assertThat(Percentiles.key(50)).isEqualTo("p50");
    }

    @Test
    void goodputCountsRequestsMeetingEverySloAndTreatsOneTokenAsZeroTpot() {
        RequestRecord fast = streamed(0, 0, 0, 50, new long[] {10, 10}, 3); // ttft 50, tpot 10, e2el 70
        RequestRecord slowFirst = streamed(1, 0, 0, 300, new long[] {10}, 2); // ttft 300
        RequestRecord slowTokens = streamed(2, 0, 0, 50, new long[] {100}, 2); // tpot 100
        RequestRecord single = streamed(3, 0, 0, 60, new long[] {}, 1); // tpot counts as 0
        StatsOptions o = new StatsOptions(
                List.of("ttft"), List.of(99.0), Map.of("ttft", 200.0, "tpot", 50.0), "openai", "x", "m", null, 10);
        Map<String, Object> m =
                ResultFields.compute(run(List.of(fast, slowFirst, slowTokens, single), 1, 2.0), o, false);
        assertThat((double) m.get("request_goodput")).isCloseTo(1.0, within(1e-9)); // 2 good / 2 s
        assertThat(m.get("good_completed")).isEqualTo(2);
        Map<String, Object> none = ResultFields.compute(run(List.of(fast), 1, 1), StatsOptions.defaults("m"), false);
        assertThat(none.get("request_goodput")).isNull();
    }

    @Test
    void throughputsTokensAndScheduleLagFollowTheDefinitions() {
        List<RequestRecord> rs = new ArrayList<>();
        rs.add(streamed(0, 0, 1, 10, new long[] {5}, 2));
        rs.add(streamed(1, 100, 103, 10, new long[] {5}, 2));
        rs.add(new RequestRecord(
                2, 200 * MS, 200 * MS, -1, -1, 10, 0, false, new long[0], true, Outcome.HTTP_5XX, "HTTP 500"));
        Map<String, Object> m = ResultFields.compute(run(rs, 10, 0.5), StatsOptions.defaults("m"), false);
        assertThat(m.get("completed")).isEqualTo(2);
        assertThat(m.get("failed")).isEqualTo(1);
        assertThat(m.get("total_input_tokens")).isEqualTo(20L);
        assertThat(m.get("total_output_tokens")).isEqualTo(4L);
        assertThat((double) m.get("request_throughput")).isCloseTo(4.0, within(1e-9));
        assertThat((double) m.get("total_token_throughput")).isCloseTo(48.0, within(1e-9));
        assertThat((double) m.get("max_schedule_lag_ms")).isCloseTo(3.0, within(1e-9));
        assertThat(m.get("errors_by_reason")).isEqualTo(Map.of("http_5xx", 1L));
        // vLLM counts a request in every one-second bucket it touches: both ok requests share the first second
        assertThat(m.get("max_concurrent_requests")).isEqualTo(2);
    }

    @Test
    void warnsLoudlyWhenTheClientFallsBehindTheSchedule() {
        List<RequestRecord> rs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rs.add(streamed(i, i * 10L, i * 10L + 50, 1, new long[] {}, 1));
        }
        Map<String, Object> m = ResultFields.compute(run(rs, 100, 1), StatsOptions.defaults("m"), false);
        assertThat((List<?>) m.get("warnings"))
                .anySatisfy(w -> assertThat(w.toString()).contains("CLIENT FELL BEHIND"));
        assertThat(ConsoleSummary.render(m, StatsOptions.defaults("m"))).contains("WARNING: CLIENT FELL BEHIND");
    }

    @Test
    void resultJsonUsesVllmBenchServeFieldNames() throws IOException {
        List<String> expected = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/loadgen/bench_serve_result_fields.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] cols = lines[i].split(",");
                String key = cols[0];
                String present = cols[cols.length - 1].trim();
                if ((present.equals("always") || present.equals("generation"))
                        && key.matches("[a-z_]+")
                        && !key.equals("rtfx")) {
                    expected.add(key);
                }
            }
        }
        assertThat(expected).contains("duration", "request_goodput", "max_concurrent_requests", "tokenizer_id");
        RequestRecord r = streamed(0, 0, 0, 10, new long[] {5, 5}, 3);
        Map<String, Object> m = ResultFields.compute(run(List.of(r), 1, 1), StatsOptions.defaults("m"), true);
        assertThat(m.keySet()).containsAll(expected);
        for (String metric : List.of("ttft", "tpot", "itl", "e2el")) {
            for (String prefix : List.of("mean", "median", "std", "p50", "p90", "p95", "p99")) {
                assertThat(m).containsKey(prefix + "_" + metric + "_ms");
            }
        }
        assertThat(m.keySet()).contains("input_lens", "output_lens", "ttfts", "itls", "start_times", "errors");
    }

    @Test
    void clientQueueTimeIsReportedOnlyUnderAConcurrencyCapAtAFiniteRate() {
        List<RequestRecord> rs =
                List.of(streamed(0, 0, 4, 10, new long[] {5}, 2), streamed(1, 10, 12, 10, new long[] {5}, 2));
        StatsOptions o = new StatsOptions(
                List.of("e2el", "client_queue_time", "e2el_including_client_queue"),
                List.of(50.0),
                Map.of(),
                "openai",
                "x",
                "m",
                null,
                10);
        RunSpec capped = RunSpec.of(10, 2).withConcurrency(1);
        Map<String, Object> m =
                ResultFields.compute(new RunResult(rs, 10, capped, 0, 1_000_000_000L, 0, false), o, false);
        assertThat((double) m.get("mean_client_queue_time_ms")).isCloseTo(3.0, within(1e-9)); // (4 + 2) / 2
        assertThat((double) m.get("mean_e2el_including_client_queue_ms")).isCloseTo(18.0, within(1e-9)); // 15 + 3
        Map<String, Object> open = ResultFields.compute(run(rs, 10, 1), o, false);
        assertThat(open).doesNotContainKey("mean_client_queue_time_ms");
    }
}
