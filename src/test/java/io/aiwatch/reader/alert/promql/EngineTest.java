package io.aiwatch.reader.alert.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** PromQL semantics that decide whether an alert fires, checked against values worked out by hand. */
class EngineTest {
    private final SampleHistory history = new SampleHistory(Duration.ofDays(1), 1000, 100_000);
    private final Engine engine = new Engine(history, Engine.DEFAULT_LOOKBACK);

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private List<Element> eval(String expr, long seconds) throws Exception {
        return engine.vector(Parser.parse(expr), seconds * 1000);
    }

    @Test
    void instantSelectorLooksBackFiveMinutesInclusiveAndStopsAtAStaleMarker() throws Exception {
        history.append(labels("__name__", "x", "gpu", "0"), 0, 1);
        history.append(labels("__name__", "x", "gpu", "1"), 0, 2);
        history.append(labels("__name__", "x", "gpu", "1"), 60_000, Series.STALE_NAN);
        assertThat(eval("x", 300)).extracting(Element::value).containsExactly(1.0);
        assertThat(eval("x", 301)).isEmpty();
        assertThat(eval("x", 30)).hasSize(2);
    }

    @Test
    void comparisonFiltersAndKeepsTheNameButBoolAndArithmeticDropIt() throws Exception {
        history.append(labels("__name__", "t", "gpu", "0"), 0, 90);
        history.append(labels("__name__", "t", "gpu", "1"), 0, 70);
        assertThat(eval("t > 80", 0))
                .containsExactly(new Element(new TreeMap<>(labels("__name__", "t", "gpu", "0")), 90));
        assertThat(eval("80 < t", 0)).extracting(Element::value).containsExactly(90.0);
        assertThat(eval("t > bool 80", 0))
                .extracting(e -> e.labels().containsKey("__name__"))
                .containsOnly(false);
        assertThat(eval("t > bool 80", 0)).extracting(Element::value).containsExactlyInAnyOrder(1.0, 0.0);
        assertThat(eval("t - 0", 0)).allSatisfy(e -> assertThat(e.labels()).doesNotContainKey("__name__"));
    }

    @Test
    void vectorMatchingFollowsPrometheus() throws Exception {
        history.append(labels("__name__", "used", "gpu", "0", "uuid", "a"), 0, 30);
        history.append(labels("__name__", "total", "gpu", "0", "uuid", "a"), 0, 60);
        history.append(labels("__name__", "info", "gpu", "0", "model", "H100"), 0, 1);
        assertThat(eval("used / total", 0))
                .containsExactly(new Element(new TreeMap<>(labels("gpu", "0", "uuid", "a")), 0.5));
        assertThat(eval("used / on(gpu) total", 0))
                .containsExactly(new Element(new TreeMap<>(labels("gpu", "0")), 0.5));
        assertThat(eval("used * on(gpu) group_left(model) info", 0))
                .containsExactly(new Element(new TreeMap<>(labels("gpu", "0", "uuid", "a", "model", "H100")), 30));
        assertThat(eval("used and on(gpu) info", 0))
                .extracting(e -> e.labels().get("__name__"))
                .containsExactly("used");
        assertThat(eval("used unless on(gpu) info", 0)).isEmpty();
        assertThat(eval("used or info", 0)).hasSize(2);
        history.append(labels("__name__", "used", "gpu", "0", "uuid", "b"), 0, 40);
        assertThatThrownBy(() -> eval("info * on(gpu) used", 0))
                .isInstanceOf(EvalException.class)
                .hasMessageContaining("many-to-many");
    }

    @Test
    void aggregatesByAndWithout() throws Exception {
        history.append(labels("__name__", "p", "gpu", "0", "host", "h"), 0, 100);
        history.append(labels("__name__", "p", "gpu", "1", "host", "h"), 0, 300);
        history.append(labels("__name__", "p", "gpu", "0", "host", "i"), 0, 50);
        assertThat(eval("sum by (host) (p)", 0))
                .containsExactlyInAnyOrder(
                        new Element(new TreeMap<>(labels("host", "h")), 400),
                        new Element(new TreeMap<>(labels("host", "i")), 50));
        assertThat(eval("avg without (gpu) (p)", 0)).extracting(Element::value).containsExactlyInAnyOrder(200.0, 50.0);
        assertThat(eval("max(p)", 0)).containsExactly(new Element(new TreeMap<>(), 300));
        assertThat(eval("count by (gpu) (p)", 0)).extracting(Element::value).containsExactlyInAnyOrder(2.0, 1.0);
        assertThat(eval("min by (nothere) (p)", 0)).containsExactly(new Element(new TreeMap<>(), 50));
    }

    @Test
    void rateExtrapolatesLikePrometheus() throws Exception {
        // Samples every 15 s from t=10 s: 0, 15, 30, ..., a counter growing 1/s; reset to 0 at t=130 s.
        for (int t = 10; t <= 250; t += 15) {
            double v = t < 130 ? t - 10 : t - 130;
            history.append(labels("__name__", "c_total"), t * 1000L, v);
        }
        // At 250 s over [50 s, 250 s]: first sample 55 s (45), last 250 s (120), reset after 115 s (105).
        // increase raw = 120 - 45 + 105 = 180 over 195 s sampled; start gap 5 s < 16.5 s threshold, end gap 0.
        double increase = 180 * (200.0 / 195.0);
        assertThat(eval("increase(c_total[200s])", 250).get(0).value()).isCloseTo(increase, within(1e-9));
        assertThat(eval("rate(c_total[200s])", 250).get(0).value()).isCloseTo(increase / 200, within(1e-12));
        assertThat(eval("irate(c_total[200s])", 250).get(0).value()).isCloseTo(1.0, within(1e-12));
        assertThat(eval("delta(c_total[200s])", 250).get(0).value()).isCloseTo(75 * 200.0 / 195.0, within(1e-9));
    }

    @Test
    void overTimeFunctionsAndPredictLinear() throws Exception {
        for (int i = 0; i <= 10; i++) {
            history.append(labels("__name__", "avail", "mount", "/"), i * 60_000L, 1000 - 10 * i);
        }
        assertThat(eval("avg_over_time(avail[2m])", 600).get(0).value()).isEqualTo(910.0);
        assertThat(eval("min_over_time(avail[10m])", 600).get(0).value()).isEqualTo(900.0);
        assertThat(eval("count_over_time(avail[10m])", 600).get(0).value()).isEqualTo(11.0);
        assertThat(eval("last_over_time(avail[10m])", 600).get(0).labels()).containsEntry("__name__", "avail");
        assertThat(eval("predict_linear(avail[10m], 3600)", 600).get(0).value()).isCloseTo(300.0, within(1e-9));
    }

    @Test
    void histogramQuantileInterpolatesWithinTheBucket() throws Exception {
        history.append(labels("__name__", "h_bucket", "le", "0.5"), 0, 50);
        history.append(labels("__name__", "h_bucket", "le", "1"), 0, 90);
        history.append(labels("__name__", "h_bucket", "le", "+Inf"), 0, 100);
        // rank 0.75*100 = 75 falls in (0.5, 1]: 0.5 + 0.5 * (75-50)/(90-50)
        assertThat(eval("histogram_quantile(0.75, h_bucket)", 0).get(0).value()).isCloseTo(0.8125, within(1e-12));
        // rank 95 is in the +Inf bucket: the highest finite bound
        assertThat(eval("histogram_quantile(0.95, h_bucket)", 0).get(0).value()).isEqualTo(1.0);
        assertThat(eval("histogram_quantile(0.75, h_bucket)", 0).get(0).labels())
                .isEmpty();
    }

    @Test
    void absentGivesTheEqualityLabels() throws Exception {
        assertThat(eval("absent(nothing{job=\"a\", x=~\"y\"})", 0))
                .containsExactly(new Element(new TreeMap<>(labels("job", "a")), 1));
        history.append(labels("__name__", "something"), 0, 1);
        assertThat(eval("absent(something)", 0)).isEmpty();
    }
}
