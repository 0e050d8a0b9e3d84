package io.aiwatch.tool.cuda.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The p2p report from recorded numbers: matrices, staged ratio, concurrent line, ratios against PyTorch. */
class P2pReportTest {
    private static P2pResult recorded(Map<String, Double> torch, boolean checked) {
        return new P2pResult(
                "2026-12-08T03:00:00Z",
                List.of("NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"),
                256L << 20,
                10,
                List.of(
                        new P2pResult.Pair(0, 1, true, 370e9, 2.5e-6, 25e9, true),
                        new P2pResult.Pair(1, 0, true, 360e9, 2.6e-6, 24e9, checked)),
                new P2pResult.Concurrent(2, 720e9, 355e9),
                torch);
    }

    @Test
    void matricesGiveSourceRowsAndDestinationColumns() {
        String md = P2pReport.markdown(recorded(null, true));
        assertThat(md)
                .contains("2026-12-08T03:00:00Z · 2 GPUs · 256 MiB per copy · median of 10")
                .contains("| src \\ dst | GPU0 | GPU1 |\n|---|---|---|\n| GPU0 | - | 370.0 |\n| GPU1 | 360.0 | - |\n")
                .contains("| GPU0 | - | 2.5 |\n| GPU1 | 2.6 | - |\n")
                .contains("| GPU0 | - | 25.0 (×14.8) |\n| GPU1 | 24.0 (×15.0) | - |\n")
                .contains("2 copies in flight: 720.0 GB/s in total, slowest pair 355.0 GB/s.")
                .contains("Data check: every pair passed")
                .doesNotContain("PyTorch");
        assertThat(P2pReport.markdown(recorded(null, false))).contains("Data check: FAILED on some pair");
    }

    @Test
    void ratiosAgainstPyTorchAreAboveOneWhenAiwatchIsBetterForLatencyToo() {
        Map<String, Double> torch =
                Map.of("bw 0->1", 400e9, "lat 0->1", 5e-6, "staged 1->0", 24e9, "concurrent", 800e9);
        P2pResult r = recorded(torch, true);
        Map<String, Double> ratios = P2pReport.ratios(r);
        assertThat(ratios.keySet()).containsExactly("bw 0->1", "lat 0->1", "staged 1->0", "concurrent");
        assertThat(ratios.get("bw 0->1")).isCloseTo(0.925, within(1e-9));
        assertThat(ratios.get("lat 0->1")).isCloseTo(2.0, within(1e-9));
        assertThat(ratios.get("staged 1->0")).isCloseTo(1.0, within(1e-9));
        assertThat(ratios.get("concurrent")).isCloseTo(0.9, within(1e-9));
        assertThat(P2pReport.markdown(r))
                .contains("| bw 0->1 | 370.0 GB/s | 400.0 GB/s | 0.93 |")
                .contains("| lat 0->1 | 2.5 µs | 5.0 µs | 2.00 |");
    }

    @Test
    void summaryForTheExperimentRunner() {
        Map<String, Double> s = P2pReport.summary(recorded(Map.of("bw 0->1", 400e9), true));
        assertThat(s)
                .containsEntry("peer_min_gbps", 360.0)
                .containsEntry("peer_max_gbps", 370.0)
                .containsEntry("concurrent_total_gbps", 720.0)
                .containsEntry("pairs_without_peer_access", 0.0)
                .containsEntry("check_passed", 1.0)
                .containsKey("ratio_bw_0_to_1");
        assertThat(s.get("latency_median_us")).isCloseTo(2.5, within(1e-9));
        assertThat(P2pReport.summary(recorded(null, false))).containsEntry("check_passed", 0.0);
    }

    @Test
    void readsThePeersFiguresAndIgnoresTheRest() throws Exception {
        var json = new ObjectMapper()
                .readTree("{\"torch\":\"2.9.0\",\"figures\":{\"bw 0->1\":3.7e11,\"lat 0->1\":2.4e-6,\"note\":\"x\"}}");
        assertThat(P2pBench.figures(json)).containsExactly(Map.entry("bw 0->1", 3.7e11), Map.entry("lat 0->1", 2.4e-6));
    }
}
