package io.aiwatch.tool.loadgen.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class MergeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<RequestRecord> records(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<RequestRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] gaps = new long[1 + r.nextInt(5)];
            for (int k = 0; k < gaps.length; k++) {
                gaps[k] = 1_000_000L + r.nextInt(50_000_000);
            }
            out.add(ResultFieldsTest.streamed(
                    i, i * 10L, i * 10L + r.nextInt(3), 5 + r.nextInt(500), new long[0], gaps.length + 1));
            RequestRecord base = out.remove(out.size() - 1);
            long last = base.firstTokenNanos();
            for (long g : gaps) {
                last += g;
            }
            out.add(new RequestRecord(
                    i,
                    base.dueNanos(),
                    base.sendNanos(),
                    base.firstTokenNanos(),
                    last,
                    10,
                    gaps.length + 1,
                    true,
                    gaps,
                    true,
                    Outcome.OK,
                    null));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> roundTrip(Map<String, Object> m) throws Exception {
        return JSON.readValue(JSON.writeValueAsBytes(m), Map.class);
    }

    @Test
    void mergingTwoWorkerResultsGivesTheSingleRunHistogramsNotAveragedPercentiles() throws Exception {
        List<RequestRecord> all = records(2000, 5);
        List<RequestRecord> w0 = all.stream().filter(r -> r.position() % 2 == 0).toList();
        List<RequestRecord> w1 = all.stream().filter(r -> r.position() % 2 == 1).toList();
        long t = 1_700_000_000_000L;
        StatsOptions o = StatsOptions.defaults("m");
        RunSpec spec = RunSpec.of(100, 2000);
        Map<String, Object> r0 =
                roundTrip(ResultFields.compute(new RunResult(w0, 100, spec, t, 20_000_000_000L, 0, false), o, false));
        Map<String, Object> r1 =
                roundTrip(ResultFields.compute(new RunResult(w1, 100, spec, t, 20_000_000_000L, 0, false), o, false));
        Map<String, Object> single =
                ResultFields.compute(new RunResult(all, 100, spec, t, 20_000_000_000L, 0, false), o, false);

        Map<String, Object> merged = Merge.merge(List.of(r0, r1), List.of("w0.json", "w1.json"));

        @SuppressWarnings("unchecked")
        MetricHistograms m = MetricHistograms.decode((Map<String, String>) merged.get("histograms"), "merged");
        MetricHistograms s = MetricHistograms.of(all, true);
        for (String metric : MetricHistograms.METRICS) {
            assertThat(m.get(metric)).as(metric).isEqualTo(s.get(metric));
        }
        Histogram e2el = s.get("e2el");
        assertThat((double) merged.get("p99_e2el_ms")).isEqualTo(e2el.getValueAtPercentile(99) / 1e6);
        // and the histogram percentile is within HdrHistogram's 3 significant digits of the exact one
        assertThat((double) merged.get("p99_e2el_ms"))
                .isCloseTo((double) single.get("p99_e2el_ms"), org.assertj.core.api.Assertions.withinPercentage(0.2));
        assertThat(merged.get("completed")).isEqualTo(2000L);
        assertThat(merged.get("total_output_tokens")).isEqualTo(single.get("total_output_tokens"));
        assertThat((double) merged.get("request_throughput")).isEqualTo(100.0);
    }

    @Test
    void refusesFilesThatAreNotLoadgenResults() {
        assertThatThrownBy(() -> Merge.merge(List.of(Map.of("completed", 1)), List.of("x.json")))
                .isInstanceOf(LoadgenException.class)
                .hasMessageContaining("x.json")
                .hasMessageContaining("histograms");
    }
}
