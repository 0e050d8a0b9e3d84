package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend.DeviceReader;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.NvmlReturn;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Injected NVML errors surface faithfully; load failures say why. */
class NvmlErrorsTest {
    private FakeNvml fake;
    private NvmlBackend backend;

    @BeforeEach
    void setUp() {
        fake = FakeNvml.load();
    }

    @AfterEach
    void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }

    private DeviceReader reader(int index) throws Exception {
        if (backend == null) {
            backend = FakeNvml.backend();
        }
        return backend.reader(index);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
        "NOT_SUPPORTED, 3, Not Supported",
        "GPU_IS_LOST, 15, GPU is lost",
        "UNKNOWN, 999, Unknown Error",
        "TIMEOUT, 10, Timeout",
        "UNKNOWN, 42, Unknown Error"
    })
    void surfacesTheFunctionAndCode(NvmlReturn expected, int rc, String message) throws Exception {
        fake.fake_fail("nvmlDeviceGetPowerUsage", 0, rc, -1);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> reader(0).read(DcgmField.DCGM_FI_DEV_POWER_USAGE));
        assertThat(e.function()).isEqualTo("nvmlDeviceGetPowerUsage");
        assertThat(e.code()).isEqualTo(expected);
        assertThat(e.rawCode()).isEqualTo(rc);
        assertThat(e.getMessage()).contains(message).contains("(" + rc + ")");
        assertThat(reader(1).read(DcgmField.DCGM_FI_DEV_POWER_USAGE))
                .as("other device unaffected")
                .isEqualTo(68.951);
        assertThat(reader(0).read(DcgmField.DCGM_FI_DEV_GPU_TEMP))
                .as("other field unaffected")
                .isEqualTo(41);
    }

    @Test
    void aTransientErrorFailsOnlyThatCall() throws Exception {
        fake.fake_fail("nvmlDeviceGetTemperature", 0, 999, 1);
        assertThat(catchThrowableOfType(GpuCallException.class, () -> reader(0).read(DcgmField.DCGM_FI_DEV_GPU_TEMP))
                        .rawCode())
                .isEqualTo(999);
        assertThat(reader(0).read(DcgmField.DCGM_FI_DEV_GPU_TEMP)).isEqualTo(41);
    }

    @Test
    void aFailedStructCallFailsEveryFieldItServesForThatCycleOnly() throws Exception {
        reader(0); // loads the backend, which reads the total memory once
        int before = fake.fake_calls("nvmlDeviceGetMemoryInfo_v2");
        fake.fake_fail("nvmlDeviceGetMemoryInfo_v2", 0, 15, 1);
        DeviceReader r = reader(0);
        for (DcgmField f : new DcgmField[] {
            DcgmField.DCGM_FI_DEV_FB_FREE, DcgmField.DCGM_FI_DEV_FB_USED, DcgmField.DCGM_FI_DEV_FB_RESERVED
        }) {
            GpuCallException e = catchThrowableOfType(GpuCallException.class, () -> r.read(f));
            assertThat(e.isGpuLost()).as(f.name()).isTrue();
            assertThat(e.function()).isEqualTo("nvmlDeviceGetMemoryInfo_v2");
        }
        assertThat(fake.fake_calls("nvmlDeviceGetMemoryInfo_v2") - before)
                .as("one call per cycle, even failing")
                .isEqualTo(1);
        assertThat(reader(0).read(DcgmField.DCGM_FI_DEV_FB_USED)).isGreaterThan(0);
    }

    @Test
    void fieldValueErrorsArePerField() throws Exception {
        fake.fake_unset(0, "fi.82");
        DeviceReader r = reader(0);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP));
        assertThat(e.function()).isEqualTo("nvmlDeviceGetFieldValues");
        assertThat(e.isNotSupported()).isTrue();
        assertThat(r.read(DcgmField.DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL)).isEqualTo(3072);
    }

    @Test
    void aFailedFieldValuesCallFailsAllItsFields() throws Exception {
        fake.fake_fail("nvmlDeviceGetFieldValues", 0, 15, -1);
        DeviceReader r = reader(0);
        assertThat(catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP))
                        .isGpuLost())
                .isTrue();
        assertThat(catchThrowableOfType(
                                GpuCallException.class,
                                () -> r.read(DcgmField.DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL))
                        .isGpuLost())
                .isTrue();
        assertThat(fake.fake_calls("nvmlDeviceGetFieldValues")).isEqualTo(1);
    }

    @Test
    void processAndClockErrorsSurface() throws Exception {
        fake.fake_fail(NvmlProcesses.COMPUTE, 0, 15, -1);
        fake.fake_fail("nvmlDeviceGetCurrentClocksEventReasons", 0, 3, -1);
        assertThat(catchThrowableOfType(GpuCallException.class, () -> reader(0).processes())
                        .function())
                .isEqualTo(NvmlProcesses.COMPUTE);
        assertThat(catchThrowableOfType(GpuCallException.class, () -> reader(0).clockEventReasons())
                        .isNotSupported())
                .isTrue();
    }

    @Test
    void graphicsProcessesNotSupportedStillListsComputeOnes() throws Exception {
        fake.fake_set_processes(0, 0, 1, new int[] {9}, new long[] {1});
        fake.fake_fail(NvmlProcesses.GRAPHICS, 0, 3, -1);
        assertThat(reader(0).processes()).hasSize(1);
    }

    @Test
    void initFailureSaysWhichCodeAndWhy() {
        fake.fake_set_init_result(9);
        NvmlUnavailableException e = catchThrowableOfType(NvmlUnavailableException.class, FakeNvml::backend);
        assertThat(e.reason()).isEqualTo(NvmlUnavailableException.Reason.INIT_FAILED);
        assertThat(e.nvmlCode()).contains(9);
        assertThat(e.getMessage()).contains("nvmlInit_v2", "NVML_ERROR_DRIVER_NOT_LOADED", "(9)", "kernel module");
    }

    @Test
    void deviceCountFailureShutsNvmlDownAgain() {
        int depth = fake.fake_init_depth();
        fake.fake_fail("nvmlDeviceGetCount_v2", -1, 999, 1);
        NvmlUnavailableException e = catchThrowableOfType(NvmlUnavailableException.class, FakeNvml::backend);
        assertThat(e.reason()).isEqualTo(NvmlUnavailableException.Reason.DEVICE_QUERY_FAILED);
        assertThat(e.nvmlCode()).contains(999);
        assertThat(e.getMessage()).contains("nvmlDeviceGetCount_v2");
        assertThat(fake.fake_init_depth()).isEqualTo(depth);
    }

    @Test
    void absentLibraryIsLibraryNotFound() {
        Path missing = Path.of("/nonexistent/dir/libnvidia-ml.so.1");
        NvmlUnavailableException e =
                catchThrowableOfType(NvmlUnavailableException.class, () -> NvmlLoader.load(Optional.of(missing)));
        assertThat(e.reason()).isEqualTo(NvmlUnavailableException.Reason.LIBRARY_NOT_FOUND);
        assertThat(e.getMessage()).contains(missing.toString());
        assertThat(e.nvmlCode()).isEmpty();
    }

    @Test
    void unloadableLibraryIsLibraryNotFound() throws Exception {
        Path notElf = java.nio.file.Files.createTempFile("libnvidia-ml", ".so.1");
        try {
            NvmlUnavailableException e =
                    catchThrowableOfType(NvmlUnavailableException.class, () -> NvmlLoader.load(Optional.of(notElf)));
            assertThat(e.reason()).isEqualTo(NvmlUnavailableException.Reason.LIBRARY_NOT_FOUND);
            assertThat(e.getMessage()).contains("cannot load", notElf.toString());
        } finally {
            java.nio.file.Files.delete(notElf);
        }
    }

    @Test
    void aLibraryWithoutNvmlSymbolsIsSymbolMissing() {
        Path other = FakeNvml.path().resolveSibling("libnot-nvml.so");
        NvmlUnavailableException e =
                catchThrowableOfType(NvmlUnavailableException.class, () -> NvmlLoader.load(Optional.of(other)));
        assertThat(e.reason()).isEqualTo(NvmlUnavailableException.Reason.SYMBOL_MISSING);
        assertThat(e.getMessage()).contains("nvmlInit_v2");
    }

    @Test
    void aDeviceWhoseHandleFailsIsSkipped() throws Exception {
        fake.fake_set_device_count(3);
        fake.fake_fail("nvmlDeviceGetHandleByIndex_v2", 1, 15, -1);
        reader(0);
        assertThat(backend.devices()).extracting(d -> d.index()).containsExactly(0, 2);
        assertThat(reader(2).read(DcgmField.DCGM_FI_DEV_GPU_TEMP)).isEqualTo(41);
    }

    @Test
    void closeShutsNvmlDownOnce() throws Exception {
        int depth = fake.fake_init_depth();
        NvmlBackend b = FakeNvml.backend();
        assertThat(fake.fake_init_depth()).isEqualTo(depth + 1);
        b.close();
        b.close();
        assertThat(fake.fake_init_depth()).isEqualTo(depth);
        assertThat(fake.fake_calls("nvmlEventSetFree")).isEqualTo(1);
    }
}
