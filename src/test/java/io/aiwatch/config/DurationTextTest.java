package io.aiwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsGoDurationsIncludingCompoundOnes() {
        assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse("1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
        assertThat(DurationText.parse("1500us")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(DurationText.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(DurationText.parse(" 5s ")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void zeroNeedsNoUnit() {
        assertThat(DurationText.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(DurationText.parse("0s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesWhatGoRefusesAndSaysWhatToWrite() {
        for (String bad :
                new String[] {"", "s", "15", "0.5", "fast", "-1s", "1 s", "1s 2", "1d", "5m3", "1e3s", null}) {
            assertThatThrownBy(() -> DurationText.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration; write e.g. 500ms, 1s, 5m or 1h");
        }
    }

    @Test
    void formatsInTheLargestWholeUnit() {
        assertThat(DurationText.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : new Duration[] {Duration.ofHours(2), Duration.ofSeconds(90), Duration.ofMillis(1500)}) {
            assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
        }
    }
}
