package io.aiwatch.source.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/FIELDS.md is generated from the field catalog and dcgm-exporter's two CSVs so that it
 * cannot drift from the code. Regenerate with {@code -Dgolden.update=true}.
 */
class FieldsDocTest {
    static final Path DOC = Path.of("docs/FIELDS.md");
    static final Path REF = Path.of("src/test/resources/reference/dcgm-exporter");

    /** Field name → "on"/"off" (commented out) in a CSV, in file order. */
    static Map<String, String> csv(String file) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : Files.readAllLines(REF.resolve(file))) {
            String trimmed = line.trim();
            boolean commented = trimmed.startsWith("#");
            String body = trimmed.replaceFirst("^#\\s*", "");
            if (body.startsWith("DCGM_") && body.contains(",")) {
                result.putIfAbsent(body.split(",")[0].trim(), commented ? "commented" : "enabled");
            }
        }
        return result;
    }

    static String generate() throws IOException {
        Map<String, String> def = csv("default-counters.csv");
        Map<String, String> dcp = csv("dcp-metrics-included.csv");
        StringBuilder sb = new StringBuilder();
        sb.append("# GPU fields: dcgm-exporter's CSVs and what aiwatch provides\n\n")
                .append(
                        "Generated from `io.aiwatch.source.gpu.DcgmField` by `FieldsDocTest` (`./mvnw test -Dtest=FieldsDocTest -Dgolden.update=true`).\n")
                .append("Every field named in dcgm-exporter's `default-counters.csv` and `dcp-metrics-included.csv`\n")
                .append(
                        "(commented-out lines included), plus the DCP fields aiwatch adds. The family name is the field\n")
                .append(
                        "name verbatim, with dcgm-exporter's labels and units. `DCGM_FI_PROF_*` come from NVML's GPM API\n")
                .append(
                        "(Hopper and newer), so no DCGM host engine is needed. What a real H100 returned for each field is\n")
                .append("in [H100_FIELDS.md](H100_FIELDS.md).\n\n")
                .append(
                        "| field | default-counters.csv | dcp-metrics-included.csv | type | provided | source (NVML call, unit conversion) or why not |\n")
                .append("|---|---|---|---|---|---|\n");
        for (DcgmField f : DcgmField.values()) {
            sb.append("| `")
                    .append(f.name())
                    .append("` | ")
                    .append(def.getOrDefault(f.name(), "absent"))
                    .append(" | ")
                    .append(dcp.getOrDefault(f.name(), "absent"))
                    .append(" | ")
                    .append(f.kind().name().toLowerCase())
                    .append(" | ")
                    .append(f.isProvided() ? "yes" : "no")
                    .append(" | ")
                    .append(f.isProvided() ? f.source() : f.notProvided())
                    .append(" |\n");
        }
        sb.append("\nBeyond dcgm-exporter (same labels as the GPU series):\n\n")
                .append("| family | meaning |\n|---|---|\n")
                .append("| `aiwatch_gpu_up` | 1 while the GPU answers; 0 once NVML reported `GPU_IS_LOST` |\n")
                .append(
                        "| `aiwatch_gpu_xid_errors_total{xid}` | XIDs counted from NVML events since the daemon started (use `increase()`) |\n")
                .append(
                        "| `aiwatch_gpu_clock_event_active{reason}` | 1 while a clock event (throttle) reason is active; reasons as dcgm-exporter's `clock_event` values |\n")
                .append(
                        "| `aiwatch_gpu_process_memory_bytes{pid,command,container_id}` | GPU memory per process; at most `gpu.process_limit` series per GPU, the rest summed as `pid=\"other\"` |\n")
                .append(
                        "| `aiwatch_gpu_slowdown_temperature_celsius`, `aiwatch_gpu_shutdown_temperature_celsius`, `aiwatch_gpu_memory_max_temperature_celsius` | the device's own NVML temperature thresholds, °C (absent when NVML does not report them) |\n")
                .append("| `aiwatch_gpu_power_limit_watts` | enforced power limit, W |\n")
                .append(
                        "| `aiwatch_gpu_library_errors_total{function,code}` | failed NVML calls by function and return code (no GPU labels) |\n")
                .append(
                        "| `aiwatch_gpu_late_reads_total` | cycles in which a GPU's costly fields (energy, PCIe replay, violations, GPM) had not been read within 80% of the interval (a call hanging in the driver); those fields are missing from that cycle |\n");
        return sb.toString();
    }

    @Test
    void fieldsDocMatchesTheCatalog() throws Exception {
        String actual = generate();
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(DOC, actual, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).isEqualTo(actual);
    }

    @Test
    void everyCsvFieldIsInTheCatalog() throws Exception {
        for (String name : csv("default-counters.csv").keySet()) {
            assertThat(DcgmField.byName(name)).as(name).isPresent();
        }
        for (String name : csv("dcp-metrics-included.csv").keySet()) {
            assertThat(DcgmField.byName(name)).as(name).isPresent();
        }
    }
}
