package io.aiwatch.reader.alert.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prometheus template output, including Go's float formatting. */
class TemplateTest {
    private static String expand(String t, double v) {
        return Template.parse(t).expand(Map.of("gpu", "3"), v, Map.of());
    }

    @Test
    void printsValuesAsGoDoes() {
        assertThat(expand("{{ $value }}", 88)).isEqualTo("88");
        assertThat(expand("{{ $value }}", 0.1)).isEqualTo("0.1");
        assertThat(expand("{{ $value }}", 1e6)).isEqualTo("1e+06");
        assertThat(expand("{{ $value }}", 123456)).isEqualTo("123456");
        assertThat(expand("{{ $value }}", 0.00001)).isEqualTo("1e-05");
        assertThat(expand("{{ .Value }}", Double.NaN)).isEqualTo("NaN");
        assertThat(expand("{{ $value }}", Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }

    @Test
    void supportsTheCommonFunctions() {
        assertThat(expand("{{ $value | humanize }}", 1234567)).isEqualTo("1.235M");
        assertThat(expand("{{ $value | humanize }}", 0.0123)).isEqualTo("12.3m");
        assertThat(expand("{{ $value | humanizePercentage }}", 0.4)).isEqualTo("40%");
        assertThat(expand("{{ $value | humanizeDuration }}", 3725)).isEqualTo("1h 2m 5s");
        assertThat(expand("{{ printf \"%.2f\" $value }}", 4.925)).isEqualTo("4.92");
        assertThat(expand("{{ $value | printf \"%.1f\" }}", 2.25)).isEqualTo("2.2");
        assertThat(expand("GPU {{ $labels.gpu }}{{ .Labels.none }} {{ $labels.gpu | toUpper }}", 0))
                .isEqualTo("GPU 3 3");
    }

    @Test
    void refusesWhatItCannotExpand() {
        assertThatThrownBy(() -> Template.parse("{{ if gt $value 1.0 }}x{{ end }}"))
                .hasMessageContaining("'if'");
        assertThatThrownBy(() -> Template.parse("{{ $value ")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> Template.parse("{{ query \"up\" }}")).hasMessageContaining("'query'");
    }
}
