package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Against the real driver; excluded from normal builds. Run on a GPU machine with
 * {@code mvn test -Dgroups=gpu -Dtest.excludedGroups= -Dtest=NvmlRealGpuTest
 * [-Daiwatch.fieldReport=fields.tsv] [-Daiwatch.nvmlLibrary=/path/libnvidia-ml.so.1]}, or
 * without Maven through {@link NvmlProbe} {@code --check}, which runs the same checks.
 */
@Tag("gpu")
class NvmlRealGpuTest {
    private static NvmlBackend backend;

    @BeforeAll
    static void load() throws Exception {
        backend = NvmlLoader.load(
                Optional.ofNullable(System.getProperty("aiwatch.nvmlLibrary")).map(Path::of));
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void listsDevicesWithIdentity() {
        List<GpuDeviceInfo> devices = backend.devices();
        assertThat(devices).isNotEmpty();
        assertThat(backend.driverVersion()).matches("\\d+\\.\\d+(\\.\\d+)?");
        assertThat(backend.nvmlVersion()).isNotBlank();
        for (GpuDeviceInfo d : devices) {
            assertThat(d.uuid()).startsWith("GPU-");
            assertThat(d.pciBusId()).matches("[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\\.[0-9A-F]");
            assertThat(d.modelName()).isNotBlank();
            assertThat(d.memoryTotalBytes()).isGreaterThan(1L << 30);
            assertThat(d.powerLimitWatts()).isBetween(10.0, 2000.0);
            if (d.modelName().contains("H100") || d.modelName().contains("H200")) {
                assertThat(d.gpmSupported()).as("Hopper supports GPM").isTrue();
            }
        }
    }

    @Test
    void everyFieldIsPlausibleAndTheTableIsWritten() throws Exception {
        PlausibilityCheck.Outcome outcome = PlausibilityCheck.run(backend);
        outcome.lines().forEach(System.out::println);
        String tsv = FieldReport.tsv(outcome.report());
        System.out.print(tsv);
        String file = System.getProperty("aiwatch.fieldReport");
        if (file != null && !file.isBlank()) {
            Files.writeString(Path.of(file), tsv);
        }
        assertThat(outcome.lines()).noneMatch(l -> l.startsWith("FAIL"));
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.report()).hasSize(backend.devices().size() * (DcgmField.values().length + 3));
    }
}
