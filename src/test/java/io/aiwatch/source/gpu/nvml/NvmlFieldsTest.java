package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend.DeviceReader;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.GpuProcess;
import io.aiwatch.source.gpu.NvmlReturn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every provided field returns the value configured in the fake, in dcgm-exporter's unit. */
class NvmlFieldsTest {
    private static final long MIB = 1024L * 1024L;
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

    @Test
    void readsNumericFieldsInDcgmUnits() throws Exception {
        fake.fake_set_value(1, "clock.1", 1755);
        fake.fake_set_value(1, "clock.2", 2619);
        fake.fake_set_value(1, "temp", 57);
        fake.fake_set_value(1, "fi.82", 63);
        fake.fake_set_value(1, "power_mw", 312_456);
        fake.fake_set_value(1, "energy_mj", 9_876_543_210L);
        fake.fake_set_value(1, "pcie_replay", 7);
        fake.fake_set_value(1, "util_gpu", 88);
        fake.fake_set_value(1, "util_mem", 44);
        fake.fake_set_value(1, "enc_util", 3);
        fake.fake_set_value(1, "dec_util", 4);
        for (int p = 0; p <= 5; p++) {
            fake.fake_set_value(1, "violation." + p, 1000L * (p + 1) + 1);
        }
        DeviceReader r = reader(1);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_SM_CLOCK)).isEqualTo(1755);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_MEM_CLOCK)).isEqualTo(2619);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_GPU_TEMP)).isEqualTo(57);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP)).isEqualTo(63);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_POWER_USAGE)).isEqualTo(312.456);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION)).isEqualTo(9_876_543_210.0);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_PCIE_REPLAY_COUNTER)).isEqualTo(7);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_GPU_UTIL)).isEqualTo(88);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_MEM_COPY_UTIL)).isEqualTo(44);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ENC_UTIL)).isEqualTo(3);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_DEC_UTIL)).isEqualTo(4);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_POWER_VIOLATION)).isEqualTo(1001);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_THERMAL_VIOLATION)).isEqualTo(2001);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_SYNC_BOOST_VIOLATION)).isEqualTo(3001);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_BOARD_LIMIT_VIOLATION)).isEqualTo(4001);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_LOW_UTIL_VIOLATION)).isEqualTo(5001);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_RELIABILITY_VIOLATION)).isEqualTo(6001);
        // device 0 keeps its own (default) values
        assertThat(reader(0).read(DcgmField.DCGM_FI_DEV_GPU_TEMP)).isEqualTo(41);
    }

    @Test
    void framebufferFieldsAreWholeMibFromOneMemoryCall() throws Exception {
        fake.fake_set_value(0, "fb_total", 80L * 1024 * MIB);
        fake.fake_set_value(0, "fb_free", 70_000L * MIB + 12345);
        fake.fake_set_value(0, "fb_used", 11_000L * MIB);
        fake.fake_set_value(0, "fb_reserved", 1_000L * MIB + 999);
        DeviceReader r = reader(0);
        int before = fake.fake_calls("nvmlDeviceGetMemoryInfo_v2");
        assertThat(r.read(DcgmField.DCGM_FI_DEV_FB_FREE)).isEqualTo(70_000);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_FB_USED)).isEqualTo(11_000);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_FB_RESERVED)).isEqualTo(1_000);
        assertThat(fake.fake_calls("nvmlDeviceGetMemoryInfo_v2") - before).isEqualTo(1);
        reader(0).read(DcgmField.DCGM_FI_DEV_FB_FREE);
        assertThat(fake.fake_calls("nvmlDeviceGetMemoryInfo_v2") - before)
                .as("a new cycle calls again")
                .isEqualTo(2);
    }

    @Test
    void eccRetiredPagesAndRemappedRows() throws Exception {
        fake.fake_set_value(0, "ecc.0.0", 11);
        fake.fake_set_value(0, "ecc.1.0", 12);
        fake.fake_set_value(0, "ecc.0.1", 13);
        fake.fake_set_value(0, "ecc.1.1", 14);
        fake.fake_set_value(0, "retired.0", 5);
        fake.fake_set_value(0, "retired.1", 2);
        fake.fake_set_value(0, "retired_pending", 1);
        fake.fake_set_value(0, "remap_corr", 21);
        fake.fake_set_value(0, "remap_unc", 22);
        fake.fake_set_value(0, "remap_pending", 1);
        fake.fake_set_value(0, "remap_failure", 0); // differs from pending: a swapped out-parameter fails
        DeviceReader r = reader(0);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ECC_SBE_VOL_TOTAL)).isEqualTo(11);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ECC_DBE_VOL_TOTAL)).isEqualTo(12);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ECC_SBE_AGG_TOTAL)).isEqualTo(13);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ECC_DBE_AGG_TOTAL)).isEqualTo(14);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_RETIRED_SBE)).isEqualTo(5);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_RETIRED_DBE)).isEqualTo(2);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_RETIRED_PENDING)).isEqualTo(1);
        int before = fake.fake_calls("nvmlDeviceGetRemappedRows");
        assertThat(r.read(DcgmField.DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS)).isEqualTo(21);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS)).isEqualTo(22);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ROW_REMAP_PENDING)).isEqualTo(1);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_ROW_REMAP_FAILURE)).isZero();
        assertThat(fake.fake_calls("nvmlDeviceGetRemappedRows") - before).isEqualTo(1);
    }

    @Test
    void nvlinkFieldsComeFromOneFieldValuesCall() throws Exception {
        fake.fake_set_value(0, "fi.38", 101);
        fake.fake_set_value(0, "fi.45", 102);
        fake.fake_set_value(0, "fi.52", 103);
        fake.fake_set_value(0, "fi.59", 104.0); // the fake returns this one as NVML_VALUE_TYPE_DOUBLE
        fake.fake_set_value(0, "fi.138", 4096);
        fake.fake_set_value(0, "fi.139", 1024);
        DeviceReader r = reader(0);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL))
                .isEqualTo(101);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL))
                .isEqualTo(102);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL))
                .isEqualTo(103);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL))
                .isEqualTo(104);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL)).isEqualTo(5120);
        assertThat(r.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP)).isEqualTo(35);
        assertThat(fake.fake_calls("nvmlDeviceGetFieldValues")).isEqualTo(1);
    }

    @Test
    void everyProvidedNumericFieldReadsWithoutErrorOnAFullyConfiguredDevice() throws Exception {
        fake.fake_set_value(-1, "gpm_supported", 0); // PROF fields: PCIe falls back, others need GPM
        DeviceReader r = reader(0);
        List<DcgmField> read = new ArrayList<>();
        for (DcgmField f : DcgmField.values()) {
            if (!f.isProvided()
                    || f.kind() == DcgmField.Kind.LABEL
                    || f.isProfiling()
                            && f != DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES
                            && f != DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES) {
                continue;
            }
            assertThat(r.read(f)).as(f.name()).isFinite().isGreaterThanOrEqualTo(0);
            read.add(f);
        }
        assertThat(read).hasSizeGreaterThan(35);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES)).isEqualTo(300 * 1024.0);
        assertThat(r.read(DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES)).isEqualTo(400 * 1024.0);
    }

    @Test
    void notProvidedFieldsAreNotSupported() throws Exception {
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> reader(0).read(DcgmField.DCGM_FI_DEV_NVLINK_BANDWIDTH_L0));
        assertThat(e.code()).isEqualTo(NvmlReturn.NOT_SUPPORTED);
    }

    @Test
    void readsLabels() throws Exception {
        fake.fake_set_string(0, "serial", "1652324012345");
        fake.fake_set_string(0, "inforom.1", "7.16");
        DeviceReader r = reader(0);
        assertThat(r.readLabel(DcgmField.DCGM_FI_DRIVER_VERSION)).isEqualTo("580.82.07");
        assertThat(r.readLabel(DcgmField.DCGM_FI_NVML_VERSION)).isEqualTo("13.580.82.07");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_BRAND)).isEqualTo("NVIDIA");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_SERIAL)).isEqualTo("1652324012345");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_OEM_INFOROM_VER)).isEqualTo("G520.0200.00.05");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_ECC_INFOROM_VER)).isEqualTo("7.16");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_POWER_INFOROM_VER)).isEqualTo("N/A");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_INFOROM_IMAGE_VER)).isEqualTo("G520.0200.00.05");
        assertThat(r.readLabel(DcgmField.DCGM_FI_DEV_VBIOS_VERSION)).isEqualTo("96.00.99.00.01");
        assertThat(backend.driverVersion()).isEqualTo("580.82.07");
        assertThat(backend.nvmlVersion()).isEqualTo("13.580.82.07");
    }

    @Test
    void describesDevicesOnce() throws Exception {
        fake.fake_set_value(1, "fb_total", 81_559L * MIB);
        fake.fake_set_value(1, "brand", 2);
        fake.fake_set_value(1, "gpm_supported", 0);
        reader(0);
        List<GpuDeviceInfo> devices = backend.devices();
        assertThat(devices).extracting(GpuDeviceInfo::index).containsExactly(0, 1);
        GpuDeviceInfo d = devices.get(1);
        assertThat(d.uuid()).isEqualTo("GPU-00000000-0000-0000-0000-000000000001");
        assertThat(d.pciBusId()).isEqualTo("00000000:19:00.0");
        assertThat(d.minorNumber()).isEqualTo(1);
        assertThat(d.modelName()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(d.brand()).isEqualTo("Tesla");
        assertThat(d.serial()).isEqualTo("1652324000001");
        assertThat(d.vbiosVersion()).isEqualTo("96.00.99.00.01");
        assertThat(d.memoryTotalBytes()).isEqualTo(81_559L * MIB);
        assertThat(d.powerLimitWatts()).isEqualTo(700.0);
        assertThat(d.shutdownTempCelsius()).isEqualTo(92);
        assertThat(d.slowdownTempCelsius()).isEqualTo(89);
        assertThat(d.memoryMaxTempCelsius()).isEqualTo(95);
        assertThat(d.gpmSupported()).isFalse();
        assertThat(devices.get(0).gpmSupported()).isTrue();
    }

    @Test
    void unknownStaticValuesBecomeTheirDocumentedDefaults() throws Exception {
        fake.fake_unset(0, "power_limit_mw");
        fake.fake_unset(0, "threshold.2");
        fake.fake_unset(0, "minor");
        fake.fake_fail("nvmlDeviceGetSerial", 0, 3, -1);
        reader(0);
        GpuDeviceInfo d = backend.devices().get(0);
        assertThat(d.powerLimitWatts()).isNaN();
        assertThat(d.memoryMaxTempCelsius()).isNaN();
        assertThat(d.slowdownTempCelsius()).isEqualTo(89);
        assertThat(d.minorNumber()).isEqualTo(-1);
        assertThat(d.serial()).isEmpty();
    }

    @Test
    void clockEventReasonsAreTheRawMask() throws Exception {
        fake.fake_set_value(0, "clock_reasons", 0x4 | 0x40);
        assertThat(reader(0).clockEventReasons()).isEqualTo(0x44L);
        assertThat(fake.fake_calls("nvmlDeviceGetCurrentClocksEventReasons")).isEqualTo(1);
    }

    @Test
    void listsComputeAndGraphicsProcessesWithUnknownMemoryAsMinusOne() throws Exception {
        fake.fake_set_processes(0, 0, 2, new int[] {4242, -1}, new long[] {2L << 30, -1});
        fake.fake_set_processes(0, 1, 1, new int[] {77}, new long[] {5 * MIB});
        List<GpuProcess> p = reader(0).processes();
        assertThat(p)
                .containsExactly(
                        new GpuProcess(4242, 2L << 30, "compute"),
                        new GpuProcess(4_294_967_295L, -1, "compute"),
                        new GpuProcess(77, 5 * MIB, "graphics"));
        assertThat(reader(1).processes()).isEmpty();
    }

    @Test
    void retriesProcessQueryWhenTheBufferIsTooSmall() throws Exception {
        int n = 50;
        int[] pids = new int[n];
        long[] used = new long[n];
        for (int i = 0; i < n; i++) {
            pids[i] = 1000 + i;
            used[i] = i * MIB;
        }
        fake.fake_set_processes(0, 0, n, pids, used);
        List<GpuProcess> p = reader(0).processes();
        assertThat(p).hasSize(n);
        assertThat(p.get(49)).isEqualTo(new GpuProcess(1049, 49 * MIB, "compute"));
        assertThat(fake.fake_calls(NvmlProcesses.COMPUTE)).isEqualTo(2);
    }
}
