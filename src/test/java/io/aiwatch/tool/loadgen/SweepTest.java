package io.aiwatch.tool.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepTest {
    /** A fake server whose p99 latency explodes past 37 req/s. */
    private static Map<String, Object> fakeStep(double rate, List<Double> ran) {
        ran.add(rate);
        return Map.of("p99_e2el_ms", rate <= 37 ? 100.0 : 5000.0, "failed", 0);
    }

    @Test
    void searchFindsTheHighestRateMeetingTheSloWithinTolerance() {
        List<Double> ran = new ArrayList<>();
        List<Sweep.Step> steps =
                Sweep.search(1, 100, 0.05, 20, Sweep.Slo.parse("p99_e2el_ms<=500"), r -> fakeStep(r, ran));
        double best = Sweep.best(steps);
        assertThat(best).isLessThanOrEqualTo(37).isGreaterThan(37 / 1.05);
        assertThat(ran).startsWith(1.0, 100.0).hasSize(steps.size());
    }

    @Test
    void searchStopsAtTheStepBudgetAndReportsNoneWhenEvenTheMinimumFails() {
        List<Double> ran = new ArrayList<>();
        assertThat(Sweep.search(1, 100, 0.001, 4, Sweep.Slo.parse("p99_e2el_ms<=500"), r -> fakeStep(r, ran)))
                .hasSize(4);
        List<Sweep.Step> none =
                Sweep.search(40, 100, 0.05, 8, Sweep.Slo.parse("p99_e2el_ms<=500"), r -> fakeStep(r, ran));
        assertThat(none).hasSize(1);
        assertThat(Sweep.best(none)).isNaN();
    }

    @Test
    void listRunsEveryRateAndFailedRequestsBreakTheSlo() {
        List<Sweep.Step> steps = Sweep.list(
                List.of(10.0, 20.0),
                Sweep.Slo.parse("p99_ttft_ms<=50"),
                r -> Map.of("p99_ttft_ms", 10.0, "failed", r > 15 ? 3 : 0));
        assertThat(steps).extracting(Sweep.Step::meetsSlo).containsExactly(true, false);
    }

    @Test
    void badSloTextIsRejectedWithAnExample() {
        assertThatThrownBy(() -> Sweep.Slo.parse("p99 under 5")).hasMessageContaining("p99_e2el_ms<=500");
        assertThatThrownBy(() -> Sweep.list(List.of(1.0), Sweep.Slo.parse("p42_x_ms<=1"), r -> Map.of()))
                .hasMessageContaining("p42_x_ms");
    }
}
