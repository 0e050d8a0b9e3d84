package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend.DeviceReader;
import io.aiwatch.source.gpu.GpuCallException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Optional symbols an older driver lacks degrade to an older call or to NOT_SUPPORTED. */
class NvmlDegradationTest {
    private static final long MIB = 1024L * 1024L;
    private FakeNvml fake;
    private NvmlBackend backend;

    @BeforeEach
    void setUp() {
        fake = FakeNvml.load();
        fake.fake_set_value(0, "fb_total", 1000 * MIB);
        fake.fake_set_value(0, "fb_free", 600 * MIB);
        fake.fake_set_value(0, "fb_used", 300 * MIB);
        fake.fake_set_value(0, "fb_reserved", 100 * MIB);
    }

    @AfterEach
    void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void withoutMemoryInfoV2UsedIncludesReservedAndReservedIsNotSupported() throws Exception {
        backend = FakeNvml.backendWithout("nvmlDeviceGetMemoryInfo_v2");
        DeviceReader r = backend.reader(0);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_FB_FREE)).isEqualTo(600);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_FB_USED)).isEqualTo(400);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_DEV_FB_RESERVED));
        assertThat(e.isNotSupported()).isTrue();
        assertThat(backend.devices().get(0).memoryTotalBytes()).isEqualTo(1000 * MIB);
        assertThat(fake.fake_calls("nvmlDeviceGetMemoryInfo_v2")).isZero();
    }

    @Test
    void aVersionMismatchOnMemoryInfoV2FallsBackToV1() throws Exception {
        backend = FakeNvml.backend();
        fake.fake_fail("nvmlDeviceGetMemoryInfo_v2", 0, 25, -1);
        assertThat(backend.reader(0).read(DcgmField.DCGM_FI_DEV_FB_USED)).isEqualTo(400);
    }

    @Test
    void olderDriversUseTheThrottleReasonsCall() throws Exception {
        fake.fake_set_value(0, "clock_reasons", 0x8);
        backend = FakeNvml.backendWithout("nvmlDeviceGetCurrentClocksEventReasons");
        assertThat(backend.reader(0).clockEventReasons()).isEqualTo(0x8);
        assertThat(fake.fake_calls("nvmlDeviceGetCurrentClocksThrottleReasons")).isEqualTo(1);
        assertThat(fake.fake_calls("nvmlDeviceGetCurrentClocksEventReasons")).isZero();
    }

    @Test
    void withNeitherClockReasonCallItIsNotSupported() throws Exception {
        backend = FakeNvml.backendWithout(
                "nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons");
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).clockEventReasons());
        assertThat(e.isNotSupported()).isTrue();
        assertThat(e.function()).isEqualTo("nvmlDeviceGetCurrentClocksEventReasons");
    }

    @Test
    void anAbsentSymbolIsNotSupportedWithoutCallingIt() throws Exception {
        backend = FakeNvml.backendWithout(
                "nvmlDeviceGetRemappedRows", "nvmlDeviceGetFieldValues", NvmlProcesses.GRAPHICS);
        DeviceReader r = backend.reader(0);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_DEV_ROW_REMAP_FAILURE));
        assertThat(e.isNotSupported()).isTrue();
        assertThat(e.function()).isEqualTo("nvmlDeviceGetRemappedRows");
        assertThat(catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP))
                        .isNotSupported())
                .isTrue();
        assertThat(fake.fake_calls("nvmlDeviceGetRemappedRows")).isZero();
        fake.fake_set_processes(0, 0, 1, new int[] {5}, new long[] {MIB});
        assertThat(r.processes()).hasSize(1);
    }

    @Test
    void withoutEventSymbolsXidDrainIsNotSupported() throws Exception {
        backend = FakeNvml.backendWithout("nvmlEventSetWait_v2");
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).drainXidEvents());
        assertThat(e.isNotSupported()).isTrue();
        assertThat(e.function()).isEqualTo("nvmlEventSetWait_v2");
    }
}
