package io.aiwatch.source.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CountersFileTest {

    @Test
    void defaultSelectionIsDcgmExportersDefaultCountersCsv() throws Exception {
        var defaults = CountersFile.defaults();
        var reference = CountersFile.load(Path.of("src/test/resources/reference/dcgm-exporter/default-counters.csv"));
        assertThat(defaults.entries()).isEqualTo(reference.entries());
        assertThat(defaults.entries())
                .extracting(e -> e.field().name())
                .contains(
                        "DCGM_FI_DEV_SM_CLOCK",
                        "DCGM_FI_DEV_GPU_TEMP",
                        "DCGM_FI_DEV_POWER_USAGE",
                        "DCGM_FI_DEV_FB_USED",
                        "DCGM_FI_DRIVER_VERSION",
                        "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
                        "DCGM_FI_PROF_PCIE_RX_BYTES");
        assertThat(defaults.skipped()).singleElement().asString().startsWith("DCGM_FI_DEV_VGPU_LICENSE_STATUS");
    }

    @Test
    void everyFieldOfBothReferenceCsvsIsInTheCatalog() throws IOException {
        for (String file : new String[] {"default-counters.csv", "dcp-metrics-included.csv"}) {
            for (String line : Files.readAllLines(Path.of("src/test/resources/reference/dcgm-exporter/" + file))) {
                String l = line.replaceFirst("^#\\s*", "").trim();
                if (l.startsWith("DCGM_")) {
                    String name = l.split(",")[0].trim();
                    assertThat(DcgmField.byName(name)).as(file + ": " + name).isPresent();
                }
            }
        }
    }

    @Test
    void rejectsUnknownTypeWithFileAndLine() {
        assertThatThrownBy(() -> CountersFile.parse("my.csv", "# c\nDCGM_FI_DEV_GPU_TEMP, gaugee, temp\n"))
                .hasMessage(
                        "my.csv:2: type 'gaugee' of DCGM_FI_DEV_GPU_TEMP must be one of gauge, counter, histogram, summary, label");
    }

    @Test
    void rejectsLinesWithoutThreeFields() {
        assertThatThrownBy(() -> CountersFile.parse("my.csv", "DCGM_FI_DEV_GPU_TEMP, gauge\n"))
                .hasMessageStartingWith("my.csv:1: expected 3 comma-separated fields");
    }

    @Test
    void rejectsNamesThatAreNotDcgmFields() {
        assertThatThrownBy(() -> CountersFile.parse("my.csv", "\n\ngpu_temp, gauge, x\n"))
                .hasMessageStartingWith("my.csv:3: 'gpu_temp' is not a DCGM field name");
    }

    @Test
    void rejectsANumericFieldDeclaredAsLabel() {
        assertThatThrownBy(() -> CountersFile.parse("my.csv", "DCGM_FI_DEV_GPU_TEMP, label, x\n"))
                .hasMessageContaining("my.csv:1: DCGM_FI_DEV_GPU_TEMP is numeric");
    }

    @Test
    void keepsUnknownButWellFormedFieldsAsideInsteadOfFailing() throws Exception {
        var s = CountersFile.parse("my.csv", "DCGM_FI_DEV_PSTATE, gauge, p\nDCGM_FI_DEV_GPU_TEMP, gauge, t\n");
        assertThat(s.entries()).extracting(CountersFile.Entry::field).containsExactly(DcgmField.DCGM_FI_DEV_GPU_TEMP);
        assertThat(s.skipped()).singleElement().asString().contains("DCGM_FI_DEV_PSTATE (my.csv:1)");
    }

    @Test
    void usesTheCsvHelpAndTypeAsGiven() throws Exception {
        var s = CountersFile.parse("my.csv", "  DCGM_FI_DEV_POWER_USAGE ,  gauge , Watts now, really  \n");
        assertThat(s.entries()).singleElement().satisfies(e -> {
            assertThat(e.help()).isEqualTo("Watts now, really");
            assertThat(e.type()).isEqualTo("gauge");
            assertThat(e.line()).isEqualTo(1);
        });
    }
}
