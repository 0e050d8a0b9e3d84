package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LoadMeterTest {
    private static final long S = 1_000_000_000L;
    private final LoadMeter meter = new LoadMeter();

    @Test
    void aStepLongerThanTheWindowCountsAsBusyWhileItRuns() {
        long t0 = 100 * S;
        meter.begin(t0);
        assertThat(meter.utilization(t0 + 3 * S)).isCloseTo(1.0, within(1e-9));
        meter.busy(t0, t0 + 5 * S);
        assertThat(meter.utilization(t0 + 5 * S + S / 10)).isCloseTo(1.0, within(0.11));
    }

    @Test
    void shortStepsAddUpAndIdleTimeCountsAsIdle() {
        long t0 = 200 * S;
        for (int i = 0; i < 10; i++) {
            long start = t0 + i * S / 10;
            meter.begin(start);
            meter.busy(start, start + S / 20); // busy half of each 100 ms slot
        }
        assertThat(meter.utilization(t0 + S)).isCloseTo(0.5, within(0.01));
        assertThat(meter.utilization(t0 + 3 * S)).isZero();
    }
}
