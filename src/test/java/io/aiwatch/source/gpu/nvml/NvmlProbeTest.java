package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.source.gpu.DcgmField;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe the lead runs on the GPU machine, run here against the fake library. */
class NvmlProbeTest {
    private FakeNvml fake;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        fake = FakeNvml.load();
        fake.fake_set_value(-1, "energy_step_mj", 250);
    }

    private int probe(String... args) throws Exception {
        return NvmlProbe.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsEveryFieldOfEveryDeviceAndPassesItsChecks(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fields.tsv");
        int rc = probe("--check", "--library", FakeNvml.path().toString(), "--out", file.toString());
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(stderr).isZero();
        assertThat(stderr)
                .contains(
                        "PASS gpu 0 GPU temperature 41.0",
                        "PASS gpu 1 DCGM_FI_PROF_SM_ACTIVE = 0.02",
                        "# all checks passed")
                .doesNotContain("FAIL");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo(FieldReport.HEADER);
        assertThat(lines).hasSize(1 + 2 * (DcgmField.values().length + 3));
        assertThat(lines)
                .contains(
                        "0\tDCGM_FI_DEV_POWER_USAGE\t68.951\tnvmlDeviceGetPowerUsage, mW / 1000",
                        "1\tDCGM_FI_PROF_PIPE_TENSOR_ACTIVE\t0.05\tGPM NVML_GPM_METRIC_ANY_TENSOR_UTIL / 100",
                        "1\tDCGM_FI_DRIVER_VERSION\t580.82.07\tnvmlSystemGetDriverVersion",
                        "0\tclock_event_reasons\t0x1\tnvmlDeviceGetCurrentClocksEventReasons");
        assertThat(lines).anyMatch(l -> l.startsWith("0\tDCGM_EXP_P2P_STATUS\tNOT_PROVIDED\t"));
        assertThat(lines.stream().skip(1)).allMatch(l -> l.split("\t", -1).length == 4);
        assertThat(Files.readAllLines(file)).isEqualTo(lines);
    }

    @Test
    void reportsErrorsInTheTableAndFailsImplausibleValues() throws Exception {
        fake.fake_set_value(0, "temp", 200);
        fake.fake_fail("nvmlDeviceGetFieldValues", 1, 3, -1);
        int rc = probe("--check", "--library", FakeNvml.path().toString());
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("FAIL gpu 0 GPU temperature 200.0", "# CHECKS FAILED");
        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .contains("1\tDCGM_FI_DEV_MEMORY_TEMP\tERROR NVML_ERROR_NOT_SUPPORTED (3) nvmlDeviceGetFieldValues\t"
                        + DcgmField.DCGM_FI_DEV_MEMORY_TEMP.source());
    }

    @Test
    void saysWhyNvmlIsUnavailable() throws Exception {
        assertThat(probe("--library", "/nonexistent/libnvidia-ml.so.1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("NVML unavailable (LIBRARY_NOT_FOUND)");
        assertThat(probe("--bogus")).isEqualTo(2);
        assertThat(Arrays.asList(err.toString(StandardCharsets.UTF_8).split("\n")))
                .anyMatch(l -> l.startsWith("usage:"));
    }
}
