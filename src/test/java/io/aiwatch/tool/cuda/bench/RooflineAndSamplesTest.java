package io.aiwatch.tool.cuda.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RooflineAndSamplesTest {

    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // 100 .. 1, unsorted
        }
        Samples s = new Samples(v);
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(95)).isEqualTo(95);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
        assertThat(new Samples(new double[] {3, 1, 2}).median()).isEqualTo(2);
    }

    @Test
    void placesPointsEitherSideOfTheRidge() {
        Roofline r = new Roofline(3e12, 600e12);
        assertThat(r.ridge()).isCloseTo(200, within(1e-9));
        assertThat(r.bound(1)).isEqualTo("memory");
        assertThat(r.bound(300)).isEqualTo("compute");
        assertThat(r.attainable(1)).isEqualTo(3e12);
        assertThat(r.attainable(1000)).isEqualTo(600e12);
        DecodeResult d = new DecodeResult(
                "8B", 1, 1024, 1088, 64, "ok", "", 0, 100, 0.01, 0.01, 0.01, 0.01, 1.5e10, 1.5e10, 1.5e12, 1.5e12,
                "skinny", true, "ok", List.of());
        assertThat(d.arithmeticIntensity()).isEqualTo(1.0);
        assertThat(r.fraction(d)).isCloseTo(0.5, within(1e-9));
        String svg = r.svg(List.of(d));
        assertThat(svg)
                .startsWith("<svg")
                .contains("8B b1")
                .contains("ridge 200")
                .endsWith("</svg>\n");
    }
}
