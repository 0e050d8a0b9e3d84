package io.aiwatch.tool.loadgen.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.tool.loadgen.result.Percentiles;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
    private static double cv(double[] gaps) {
        double mean = Percentiles.mean(gaps);
        return Percentiles.std(gaps) / mean;
    }

    @Test
    void poissonScheduleHasTheRequestedRateAndUnitCoefficientOfVariation() {
        ArrivalSchedule s = ArrivalSchedule.of(20_000, 100, 1.0, 42);
        assertThat(s.dueNanos()[s.size() - 1]).isEqualTo(200_000_000_000L); // N / rate, vLLM's rescaling
        double[] gaps = s.gapsSeconds();
        assertThat(Percentiles.mean(gaps)).isCloseTo(0.01, within(1e-9));
        assertThat(cv(gaps)).isCloseTo(1.0, within(0.03));
    }

    @Test
    void gammaBurstinessSetsTheCoefficientOfVariationToOneOverSqrtShape() {
        assertThat(cv(ArrivalSchedule.of(20_000, 50, 0.25, 1).gapsSeconds())).isCloseTo(2.0, within(0.1));
        assertThat(cv(ArrivalSchedule.of(20_000, 50, 4.0, 1).gapsSeconds())).isCloseTo(0.5, within(0.02));
    }

    @Test
    void infiniteBurstinessIsConstantSpacing() {
        ArrivalSchedule s = ArrivalSchedule.of(1000, 2000, Double.POSITIVE_INFINITY, 1);
        for (double g : s.gapsSeconds()) {
            assertThat(g).isCloseTo(0.0005, within(2e-9));
        }
    }

    @Test
    void infiniteRatePutsEveryRequestAtStart() {
        assertThat(ArrivalSchedule.of(10, Double.POSITIVE_INFINITY, 1, 1).dueNanos())
                .containsOnly(0L);
    }

    @Test
    void sameSeedSameScheduleOtherSeedOtherSchedule() {
        assertThat(ArrivalSchedule.of(500, 10, 1, 7)).isEqualTo(ArrivalSchedule.of(500, 10, 1, 7));
        assertThat(ArrivalSchedule.of(500, 10, 1, 7)).isNotEqualTo(ArrivalSchedule.of(500, 10, 1, 8));
    }

    @Test
    void workerSharesPartitionTheScheduleExactly() {
        ArrivalSchedule all = ArrivalSchedule.of(10_001, 300, 0.7, 3);
        Set<Integer> seen = new HashSet<>();
        long total = 0;
        for (int w = 0; w < 3; w++) {
            ArrivalSchedule share = all.forWorker(w, 3);
            total += share.size();
            for (int k = 0; k < share.size(); k++) {
                int p = share.positions()[k];
                assertThat(seen.add(p)).as("position %d in two shares", p).isTrue();
                assertThat(share.dueNanos()[k]).isEqualTo(all.dueNanos()[p]);
                if (k > 0) {
                    assertThat(share.dueNanos()[k]).isGreaterThanOrEqualTo(share.dueNanos()[k - 1]);
                }
            }
        }
        assertThat(total).isEqualTo(all.size());
        assertThat(seen).hasSize(all.size());
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> ArrivalSchedule.of(10, 0, 1, 1)).hasMessageContaining("request rate");
        assertThatThrownBy(() -> ArrivalSchedule.of(10, 1, -1, 1)).hasMessageContaining("burstiness");
        assertThatThrownBy(() -> ArrivalSchedule.of(10, 1, 1, 1).forWorker(2, 2))
                .hasMessageContaining("worker index");
    }
}
