package io.aiwatch.tool.cuda.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.cuda.GpuInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ratios against PyTorch's output and the Markdown that quotes them, with no GPU. */
class GpuBenchReportTest {

    private static Measurement m(String name, double v, String unit) {
        return new Measurement(name, v, unit, 0.001, 10, Map.of(), true, "ok");
    }

    @Test
    void ratiosDivideOursByPyTorchsAndFlagMissedTargets() throws Exception {
        JsonNode torch = new ObjectMapper().readTree("""
                {"micro": {"d2d_copy": {"value": 3.0e12}, "bf16_matmul": {"value": 700e12},
                           "h2d_pinned": {"value": 50e9}},
                 "decode": [{"model": "8B", "batch": 1, "status": "ok", "tokens_per_s": 200.0},
                            {"model": "32B", "batch": 1, "status": "does-not-fit"}]}
                """);
        List<Measurement> micro = List.of(
                m("d2d_copy", 2.85e12, "B/s"),
                m("bf16_matmul", 300e12, "FLOP/s"),
                m("h2d_pinned", 53e9, "B/s"),
                m("fp32_fma", 60e12, "FLOP/s"));
        DecodeResult ours = new DecodeResult(
                "8B", 1, 1024, 1024, 20, "ok", "", 0, 190, 0.005, 0.005, 0.006, 0.0052, 1.5e10, 1.5e10, 2.9e12, 2.9e12,
                "skinny", true, "ok", List.of());
        Map<String, Double> r = GpuBench.ratios(micro, List.of(ours), torch);
        assertThat(r.get("d2d_copy")).isCloseTo(0.95, within(1e-9));
        assertThat(r.get("bf16_matmul")).isCloseTo(300.0 / 700, within(1e-9));
        assertThat(r.get("decode_8B_b1")).isCloseTo(0.95, within(1e-9));
        assertThat(r).doesNotContainKey("fp32_fma"); // no PyTorch figure, no ratio

        GpuInfo gpu = new GpuInfo(
                0, "NVIDIA H100 80GB HBM3", 9, 0, 132, 80L << 30, 50 << 20, 5120, 2619000, 1980000, 232448, 13000);
        String md = BenchTables.markdown(new GpuBench.Report(
                "2026-12-08T00:00:00Z", gpu, micro, List.of(), List.of(ours), torch, r, Map.of(), null));
        assertThat(md).contains("| d2d_copy | 2.85 TB/s | 3.00 TB/s | 0.95 | >= 0.90 met | ok |");
        assertThat(md).contains("| bf16_matmul | 300.0 TFLOP/s | 700.0 TFLOP/s | 0.43 | >= 0.50 MISSED | ok |");
        assertThat(md).contains("| 8B | 1 | 1024 | 190.0 | 200.0 | 0.95 |");
    }
}
