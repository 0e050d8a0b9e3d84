package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend.DeviceReader;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.NvmlReturn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GPM profiling ratios over the previous and the current cycle's samples. The fake computes a
 * metric as the mean of the values configured when each of the two samples was taken.
 */
class NvmlGpmTest {
    private static final double MIB = 1024.0 * 1024.0;
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

    @Test
    void firstCycleHasNoDataThenRatiosComeFromBothSamples() throws Exception {
        backend = FakeNvml.backend();
        fake.fake_set_value(0, "gpm.2", 40);
        DeviceReader first = backend.reader(0);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> first.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        assertThat(e.code()).isEqualTo(NvmlReturn.NO_DATA);
        assertThat(catchThrowableOfType(GpuCallException.class, () -> first.read(DcgmField.DCGM_FI_PROF_DRAM_ACTIVE))
                        .code())
                .isEqualTo(NvmlReturn.NO_DATA);
        assertThat(fake.fake_calls("nvmlGpmSampleGet"))
                .as("one sample per cycle")
                .isEqualTo(1);

        fake.fake_set_value(0, "gpm.2", 60);
        DeviceReader second = backend.reader(0);
        assertThat(second.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE)).isEqualTo(0.5);
        fake.fake_set_value(0, "gpm.2", 100);
        assertThat(second.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE))
                .as("cached within the cycle")
                .isEqualTo(0.5);
        assertThat(fake.fake_calls("nvmlGpmSampleGet")).isEqualTo(2);

        assertThat(backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE))
                .as("pairs (60, 100)")
                .isEqualTo(0.8);
    }

    @Test
    void aNanMetricIsNoReadingForThatCycleNotANanSample() throws Exception {
        backend = FakeNvml.backend();
        var primingRead = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_DRAM_ACTIVE));
        fake.fake_set_value(0, "gpm.10", Double.NaN);
        DeviceReader r = backend.reader(0);
        assertThat(catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_PROF_DRAM_ACTIVE))
                        .code())
                .isEqualTo(NvmlReturn.NO_DATA);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE)).isEqualTo(0.02);
        fake.fake_set_value(0, "gpm.10", 7);
        backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE); // the pair (NaN, 7) is skipped too
        assertThat(backend.reader(0).read(DcgmField.DCGM_FI_PROF_DRAM_ACTIVE))
                .as("pair (7, 7)")
                .isEqualTo(0.07);
    }

    @Test
    void everyProfilingFieldIsScaledToDcgmUnits() throws Exception {
        backend = FakeNvml.backend();
        var primingRead = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        DeviceReader r = backend.reader(0); // default: metric id m reads m (percent or MiB/s) in both samples
        assertThat(r.read(DcgmField.DCGM_FI_PROF_GR_ENGINE_ACTIVE)).isEqualTo(0.01);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE)).isEqualTo(0.02);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_SM_OCCUPANCY)).isEqualTo(0.03);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PIPE_TENSOR_ACTIVE)).isEqualTo(0.05);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_DRAM_ACTIVE)).isEqualTo(0.10);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PIPE_FP64_ACTIVE)).isEqualTo(0.11);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PIPE_FP32_ACTIVE)).isEqualTo(0.12);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PIPE_FP16_ACTIVE)).isEqualTo(0.13);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isEqualTo(20 * MIB);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES)).isEqualTo(21 * MIB);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_NVLINK_RX_BYTES)).isEqualTo(60 * MIB);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_NVLINK_TX_BYTES)).isEqualTo(61 * MIB);
        assertThat(backend.isSlow(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isFalse();
        assertThat(backend.devices()).allMatch(d -> d.gpmSupported());
    }

    @Test
    void aMetricTheDeviceLacksFailsAloneWithItsCode() throws Exception {
        backend = FakeNvml.backend();
        fake.fake_unset(0, "gpm.3");
        var primingRead = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        DeviceReader r = backend.reader(0);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_PROF_SM_OCCUPANCY));
        assertThat(e.function()).isEqualTo("nvmlGpmMetricsGet");
        assertThat(e.isNotSupported()).isTrue();
        assertThat(r.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE)).isEqualTo(0.02);
    }

    @Test
    void withoutGpmPcieFallsBackToThroughputOnTheSlowScheduleAndOtherProfFieldsAreNotSupported() throws Exception {
        fake.fake_set_value(1, "gpm_supported", 0);
        fake.fake_set_value(1, "pcie.0", 1500);
        fake.fake_set_value(1, "pcie.1", 2500);
        backend = FakeNvml.backend();
        assertThat(backend.devices().get(1).gpmSupported()).isFalse();
        assertThat(backend.isSlow(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isTrue();
        assertThat(backend.isSlow(DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES)).isTrue();
        assertThat(backend.isSlow(DcgmField.DCGM_FI_PROF_SM_ACTIVE)).isFalse();
        DeviceReader r = backend.reader(1);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isEqualTo(1500 * 1024.0);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES)).isEqualTo(2500 * 1024.0);
        GpuCallException e =
                catchThrowableOfType(GpuCallException.class, () -> r.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        assertThat(e.isNotSupported()).isTrue();
        assertThat(e.function()).isEqualTo("nvmlGpmQueryDeviceSupport");
    }

    @Test
    void onAMixedNodeTheSlowPcieReadOfAGpmDeviceReusesTheFastCyclesPair() throws Exception {
        fake.fake_set_value(1, "gpm_supported", 0);
        backend = FakeNvml.backend();
        assertThat(catchThrowableOfType(
                                GpuCallException.class,
                                () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES))
                        .code())
                .isEqualTo(NvmlReturn.NO_DATA);
        var primingRead = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE);
        int samples = fake.fake_calls("nvmlGpmSampleGet");
        assertThat(backend.reader(0).read(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isEqualTo(20 * MIB);
        assertThat(fake.fake_calls("nvmlGpmSampleGet")).isEqualTo(samples);
    }

    @Test
    void withoutGpmSymbolsNoDeviceUsesGpm() throws Exception {
        backend = FakeNvml.backendWithout("nvmlGpmMetricsGet");
        assertThat(backend.devices()).noneMatch(d -> d.gpmSupported());
        assertThat(backend.isSlow(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isTrue();
        assertThat(backend.reader(0).read(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isEqualTo(300 * 1024.0);
    }

    @Test
    void sampleErrorsSurfaceAndTheNextPairStillWorks() throws Exception {
        backend = FakeNvml.backend();
        var primingRead = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        fake.fake_fail("nvmlGpmSampleGet", 0, 15, 1);
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        assertThat(e.function()).isEqualTo("nvmlGpmSampleGet");
        assertThat(e.isGpuLost()).isTrue();
        assertThat(backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE)).isEqualTo(0.02);
    }

    @Test
    void closeFreesBothSampleBuffers() throws Exception {
        backend = FakeNvml.backend();
        var primingRead = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).read(DcgmField.DCGM_FI_PROF_SM_ACTIVE));
        backend.close();
        assertThat(fake.fake_calls("nvmlGpmSampleFree"))
                .isEqualTo(fake.fake_calls("nvmlGpmSampleAlloc"))
                .isEqualTo(2);
        backend = null;
    }
}
