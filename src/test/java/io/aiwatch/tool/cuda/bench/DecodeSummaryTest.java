package io.aiwatch.tool.cuda.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the experiment runner receives from a decode configuration. */
class DecodeSummaryTest {

    @Test
    void summarisesWithUnitsAndShowsASustainedDrop() {
        List<DecodeResult.SustainPoint> trace = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            // 3000 tokens/s for the first half, 2700 after (a power-cap drop)
            trace.add(new DecodeResult.SustainPoint(0.5 * i, i <= 10 ? 3000 : 2700, 0.02));
        }
        DecodeResult r = new DecodeResult(
                "8B", 64, 1024, 1024, 32, "ok", "", 20L << 30, 2950, 0.0215, 0.0216, 0.0218, 0.0217, 2.4e10, 1.0e12,
                1.1e12, 4.6e13, "skinny", true, "ok", trace);
        var s = r.summary();
        assertThat(s.get("tokens_per_s")).isEqualTo(2950);
        assertThat(s.get("step_p99_ms")).isCloseTo(21.8, within(1e-9));
        assertThat(s.get("flop_per_byte")).isCloseTo(1.0e12 / 2.4e10, within(1e-9));
        assertThat(s.get("sustain_s")).isEqualTo(10.0);
        assertThat(s.get("sustain_first_tenth_tokens_per_s")).isEqualTo(3000);
        assertThat(s.get("sustain_last_tenth_tokens_per_s")).isEqualTo(2700);
        assertThat(s.get("sustain_last_over_first_ratio")).isCloseTo(0.9, within(1e-9));
        assertThat(s.get("fits")).isEqualTo(1.0);
    }

    @Test
    void aConfigurationThatDoesNotFitReportsOnlyThat() {
        DecodeResult r = DecodeResult.notRun(ModelShape.B32, 256, 1024, "does-not-fit", "needs 126 GiB", 126L << 30);
        assertThat(r.summary()).containsOnlyKeys("fits", "memory_bytes").containsEntry("fits", 0.0);
    }
}
