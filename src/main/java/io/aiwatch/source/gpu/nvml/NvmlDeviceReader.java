package io.aiwatch.source.gpu.nvml;

import com.sun.jna.ptr.IntByReference;
import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuProcess;
import io.aiwatch.source.gpu.NvmlReturn;
import io.aiwatch.source.gpu.XidEvent;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlStructs.MemoryV2;
import io.aiwatch.source.gpu.nvml.NvmlStructs.Utilization;
import io.aiwatch.source.gpu.nvml.NvmlStructs.ViolationTime;
import java.util.List;

/**
 * Readings of one device for one cycle, in dcgm-exporter's units. Struct calls that serve
 * several fields (memory info, utilization, remapped rows, field values, GPM) run once per
 * reader. Not thread-safe: one reader per collector thread and cycle.
 */
final class NvmlDeviceReader implements GpuBackend.DeviceReader {
    private static final int CLOCK_SM = 1;
    private static final int CLOCK_MEM = 2;
    private static final int TEMPERATURE_GPU = 0;
    private static final int MEMORY_ERROR_CORRECTED = 0;
    private static final int MEMORY_ERROR_UNCORRECTED = 1;
    private static final int VOLATILE_ECC = 0;
    private static final int AGGREGATE_ECC = 1;
    private static final int PAGE_RETIREMENT_MULTIPLE_SBE = 0;
    private static final int PAGE_RETIREMENT_DBE = 1;
    private static final int INFOROM_OEM = 0;
    private static final int INFOROM_ECC = 1;
    private static final int INFOROM_POWER = 2;
    private static final int PCIE_UTIL_TX_BYTES = 0;
    private static final int PCIE_UTIL_RX_BYTES = 1;

    private final NvmlBackend backend;
    private final Nvml nvml;
    private final NvmlLibrary lib;
    private final NvmlGpu gpu;
    private final Device d;
    private final Memo<long[]> memory = new Memo<>();
    private final java.util.Map<Integer, long[]> instanceMemory = new java.util.HashMap<>();
    private final Memo<long[]> utilization = new Memo<>();
    private final Memo<long[]> remapped = new Memo<>();
    private final Memo<NvmlFieldValues> fieldValues = new Memo<>();
    private final Memo<GpmSampler.Result> gpm = new Memo<>();

    NvmlDeviceReader(NvmlBackend backend, Nvml nvml, NvmlGpu gpu) {
        this.backend = backend;
        this.nvml = nvml;
        this.lib = nvml.lib;
        this.gpu = gpu;
        this.d = gpu.handle();
    }

    @Override
    public double read(DcgmField field) throws GpuCallException {
        if (field.kind() == DcgmField.Kind.LABEL) {
            throw new IllegalArgumentException(field + " is a label; use readLabel");
        }
        if (!field.isProvided()) {
            throw new GpuCallException(field.name(), Nvml.ERROR_NOT_SUPPORTED, field.notProvided());
        }
        if (field.isProfiling()) {
            return profiling(field);
        }
        return switch (field) {
            case DCGM_FI_DEV_SM_CLOCK -> clock(CLOCK_SM);
            case DCGM_FI_DEV_MEM_CLOCK -> clock(CLOCK_MEM);
            case DCGM_FI_DEV_GPU_TEMP ->
                nvml.u32("nvmlDeviceGetTemperature", o -> lib.nvmlDeviceGetTemperature(d, TEMPERATURE_GPU, o));
            case DCGM_FI_DEV_MEMORY_TEMP -> fields().get(NvmlFieldValues.FI_DEV_MEMORY_TEMP);
            case DCGM_FI_DEV_POWER_USAGE ->
                nvml.u32("nvmlDeviceGetPowerUsage", o -> lib.nvmlDeviceGetPowerUsage(d, o)) / 1000.0;
            case DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION ->
                NvmlFieldValues.unsigned(nvml.u64(
                        "nvmlDeviceGetTotalEnergyConsumption", o -> lib.nvmlDeviceGetTotalEnergyConsumption(d, o)));
            case DCGM_FI_DEV_PCIE_REPLAY_COUNTER ->
                nvml.u32("nvmlDeviceGetPcieReplayCounter", o -> lib.nvmlDeviceGetPcieReplayCounter(d, o));
            case DCGM_FI_DEV_GPU_UTIL -> utilization.get(this::utilization)[0];
            case DCGM_FI_DEV_MEM_COPY_UTIL -> utilization.get(this::utilization)[1];
            case DCGM_FI_DEV_ENC_UTIL ->
                nvml.u32(
                        "nvmlDeviceGetEncoderUtilization",
                        o -> lib.nvmlDeviceGetEncoderUtilization(d, o, new IntByReference()));
            case DCGM_FI_DEV_DEC_UTIL ->
                nvml.u32(
                        "nvmlDeviceGetDecoderUtilization",
                        o -> lib.nvmlDeviceGetDecoderUtilization(d, o, new IntByReference()));
            case DCGM_FI_DEV_XID_ERRORS -> backend.xids().last(gpu.index());
            case DCGM_FI_DEV_POWER_VIOLATION -> violation(0); // NVML_PERF_POLICY_POWER
            case DCGM_FI_DEV_THERMAL_VIOLATION -> violation(1); // NVML_PERF_POLICY_THERMAL
            case DCGM_FI_DEV_SYNC_BOOST_VIOLATION -> violation(2); // NVML_PERF_POLICY_SYNC_BOOST
            case DCGM_FI_DEV_BOARD_LIMIT_VIOLATION -> violation(3); // NVML_PERF_POLICY_BOARD_LIMIT
            case DCGM_FI_DEV_LOW_UTIL_VIOLATION -> violation(4); // NVML_PERF_POLICY_LOW_UTILIZATION
            case DCGM_FI_DEV_RELIABILITY_VIOLATION -> violation(5); // NVML_PERF_POLICY_RELIABILITY
            case DCGM_FI_DEV_FB_FREE -> mib(memory()[1]);
            case DCGM_FI_DEV_FB_USED -> mib(memory()[2]);
            case DCGM_FI_DEV_FB_RESERVED -> reserved();
            case DCGM_FI_DEV_ECC_SBE_VOL_TOTAL -> ecc(MEMORY_ERROR_CORRECTED, VOLATILE_ECC);
            case DCGM_FI_DEV_ECC_DBE_VOL_TOTAL -> ecc(MEMORY_ERROR_UNCORRECTED, VOLATILE_ECC);
            case DCGM_FI_DEV_ECC_SBE_AGG_TOTAL -> ecc(MEMORY_ERROR_CORRECTED, AGGREGATE_ECC);
            case DCGM_FI_DEV_ECC_DBE_AGG_TOTAL -> ecc(MEMORY_ERROR_UNCORRECTED, AGGREGATE_ECC);
            case DCGM_FI_DEV_RETIRED_SBE -> retiredPages(PAGE_RETIREMENT_MULTIPLE_SBE);
            case DCGM_FI_DEV_RETIRED_DBE -> retiredPages(PAGE_RETIREMENT_DBE);
            case DCGM_FI_DEV_RETIRED_PENDING ->
                nvml.u32(
                        "nvmlDeviceGetRetiredPagesPendingStatus",
                        o -> lib.nvmlDeviceGetRetiredPagesPendingStatus(d, o));
            case DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL ->
                fields().get(NvmlFieldValues.FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL);
            case DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL ->
                fields().get(NvmlFieldValues.FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL);
            case DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL ->
                fields().get(NvmlFieldValues.FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL);
            case DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL ->
                fields().get(NvmlFieldValues.FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL);
            case DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL ->
                fields().get(NvmlFieldValues.FI_DEV_NVLINK_THROUGHPUT_DATA_TX)
                        + fields().get(NvmlFieldValues.FI_DEV_NVLINK_THROUGHPUT_DATA_RX);
            case DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS -> remapped.get(this::remappedRows)[0];
            case DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS -> remapped.get(this::remappedRows)[1];
            case DCGM_FI_DEV_ROW_REMAP_PENDING -> remapped.get(this::remappedRows)[2];
            case DCGM_FI_DEV_ROW_REMAP_FAILURE -> remapped.get(this::remappedRows)[3];
            default -> throw new GpuCallException(field.name(), Nvml.ERROR_NOT_SUPPORTED, "no NVML source in aiwatch");
        };
    }

    @Override
    public String readLabel(DcgmField field) throws GpuCallException {
        return switch (field) {
            case DCGM_FI_DRIVER_VERSION -> nvml.string("nvmlSystemGetDriverVersion", lib::nvmlSystemGetDriverVersion);
            case DCGM_FI_NVML_VERSION -> nvml.string("nvmlSystemGetNVMLVersion", lib::nvmlSystemGetNVMLVersion);
            case DCGM_FI_DEV_BRAND -> NvmlDeviceInfo.brandName(nvml, d);
            case DCGM_FI_DEV_SERIAL -> nvml.string("nvmlDeviceGetSerial", (b, n) -> lib.nvmlDeviceGetSerial(d, b, n));
            case DCGM_FI_DEV_OEM_INFOROM_VER -> inforom(INFOROM_OEM);
            case DCGM_FI_DEV_ECC_INFOROM_VER -> inforom(INFOROM_ECC);
            case DCGM_FI_DEV_POWER_INFOROM_VER -> inforom(INFOROM_POWER);
            case DCGM_FI_DEV_INFOROM_IMAGE_VER ->
                nvml.string(
                        "nvmlDeviceGetInforomImageVersion", (b, n) -> lib.nvmlDeviceGetInforomImageVersion(d, b, n));
            case DCGM_FI_DEV_VBIOS_VERSION ->
                nvml.string("nvmlDeviceGetVbiosVersion", (b, n) -> lib.nvmlDeviceGetVbiosVersion(d, b, n));
            default -> throw new IllegalArgumentException(field + " is not a label");
        };
    }

    @Override
    public long clockEventReasons() throws GpuCallException {
        if (nvml.has("nvmlDeviceGetCurrentClocksEventReasons")) {
            return nvml.u64(
                    "nvmlDeviceGetCurrentClocksEventReasons", o -> lib.nvmlDeviceGetCurrentClocksEventReasons(d, o));
        }
        if (nvml.has("nvmlDeviceGetCurrentClocksThrottleReasons")) {
            return nvml.u64(
                    "nvmlDeviceGetCurrentClocksThrottleReasons",
                    o -> lib.nvmlDeviceGetCurrentClocksThrottleReasons(d, o));
        }
        nvml.require("nvmlDeviceGetCurrentClocksEventReasons");
        return 0;
    }

    @Override
    public List<GpuProcess> processes() throws GpuCallException {
        return NvmlProcesses.read(nvml, d);
    }

    @Override
    public List<XidEvent> drainXidEvents() throws GpuCallException {
        return backend.xids().drain(gpu.index());
    }

    /** {total, free, used, reserved} in bytes; reserved is -1 when only v1 is available. */
    static long[] memory(Nvml nvml, Device d) throws GpuCallException {
        if (nvml.has("nvmlDeviceGetMemoryInfo_v2")) {
            MemoryV2 m = new MemoryV2();
            m.version = MemoryV2.VERSION;
            int rc = nvml.lib.nvmlDeviceGetMemoryInfo_v2(d, m);
            if (rc == Nvml.SUCCESS) {
                return new long[] {m.total, m.free, m.used, m.reserved};
            }
            if (rc != Nvml.ERROR_ARGUMENT_VERSION_MISMATCH && rc != Nvml.ERROR_FUNCTION_NOT_FOUND) {
                throw nvml.error("nvmlDeviceGetMemoryInfo_v2", rc);
            }
        }
        nvml.require("nvmlDeviceGetMemoryInfo");
        NvmlStructs.Memory m = new NvmlStructs.Memory();
        nvml.check("nvmlDeviceGetMemoryInfo", nvml.lib.nvmlDeviceGetMemoryInfo(d, m));
        return new long[] {m.total, m.free, m.used, -1};
    }

    private long[] memory() throws GpuCallException {
        return memory.get(() -> memory(nvml, d));
    }

    private double reserved() throws GpuCallException {
        long r = memory()[3];
        if (r < 0) {
            throw new GpuCallException(
                    "nvmlDeviceGetMemoryInfo_v2", Nvml.ERROR_NOT_SUPPORTED, "driver has only nvmlMemory_t v1");
        }
        return mib(r);
    }

    /** Whole MiB, as DCGM reports framebuffer sizes. */
    /** FB_FREE, FB_USED, FB_RESERVED of one MIG GPU instance, through a MIG device handle of it. */
    @Override
    public double readInstance(DcgmField field, int gpuInstanceId) throws GpuCallException {
        Device mig = gpu.mig().handles().get(gpuInstanceId);
        if (mig == null) {
            throw new GpuCallException("instance:" + field.name(), NvmlReturn.NOT_FOUND);
        }
        long[] m = instanceMemory.get(gpuInstanceId);
        if (m == null) {
            m = memory(nvml, mig);
            instanceMemory.put(gpuInstanceId, m);
        }
        return switch (field) {
            case DCGM_FI_DEV_FB_FREE -> mib(m[1]);
            case DCGM_FI_DEV_FB_USED -> mib(m[2]);
            case DCGM_FI_DEV_FB_RESERVED -> {
                if (m[3] < 0) {
                    throw new GpuCallException("nvmlDeviceGetMemoryInfo_v2", NvmlReturn.NOT_SUPPORTED);
                }
                yield mib(m[3]);
            }
            default -> throw new GpuCallException("instance:" + field.name(), NvmlReturn.NOT_SUPPORTED);
        };
    }

    private static double mib(long bytes) {
        return Long.divideUnsigned(bytes, 1024L * 1024L);
    }

    private double clock(int type) throws GpuCallException {
        return nvml.u32("nvmlDeviceGetClockInfo", o -> lib.nvmlDeviceGetClockInfo(d, type, o));
    }

    private long[] utilization() throws GpuCallException {
        nvml.require("nvmlDeviceGetUtilizationRates");
        Utilization u = new Utilization();
        nvml.check("nvmlDeviceGetUtilizationRates", lib.nvmlDeviceGetUtilizationRates(d, u));
        return new long[] {Integer.toUnsignedLong(u.gpu), Integer.toUnsignedLong(u.memory)};
    }

    private double violation(int policy) throws GpuCallException {
        nvml.require("nvmlDeviceGetViolationStatus");
        ViolationTime t = new ViolationTime();
        nvml.check("nvmlDeviceGetViolationStatus", lib.nvmlDeviceGetViolationStatus(d, policy, t));
        return NvmlFieldValues.unsigned(t.violationTime);
    }

    private double ecc(int errorType, int counterType) throws GpuCallException {
        return NvmlFieldValues.unsigned(nvml.u64(
                "nvmlDeviceGetTotalEccErrors", o -> lib.nvmlDeviceGetTotalEccErrors(d, errorType, counterType, o)));
    }

    /** The count of retired pages: a NULL buffer of size 0 answers the count (INSUFFICIENT_SIZE). */
    private double retiredPages(int cause) throws GpuCallException {
        nvml.require("nvmlDeviceGetRetiredPages");
        IntByReference count = new IntByReference(0);
        int rc = lib.nvmlDeviceGetRetiredPages(d, cause, count, null);
        if (rc != Nvml.SUCCESS && rc != Nvml.ERROR_INSUFFICIENT_SIZE) {
            throw nvml.error("nvmlDeviceGetRetiredPages", rc);
        }
        return Integer.toUnsignedLong(count.getValue());
    }

    private long[] remappedRows() throws GpuCallException {
        nvml.require("nvmlDeviceGetRemappedRows");
        IntByReference corr = new IntByReference();
        IntByReference unc = new IntByReference();
        IntByReference pending = new IntByReference();
        IntByReference failure = new IntByReference();
        nvml.check("nvmlDeviceGetRemappedRows", lib.nvmlDeviceGetRemappedRows(d, corr, unc, pending, failure));
        return new long[] {
            Integer.toUnsignedLong(corr.getValue()),
            Integer.toUnsignedLong(unc.getValue()),
            Integer.toUnsignedLong(pending.getValue()),
            Integer.toUnsignedLong(failure.getValue())
        };
    }

    private NvmlFieldValues fields() throws GpuCallException {
        return fieldValues.get(() -> NvmlFieldValues.fetch(nvml, d));
    }

    private String inforom(int object) throws GpuCallException {
        return nvml.string("nvmlDeviceGetInforomVersion", (b, n) -> lib.nvmlDeviceGetInforomVersion(d, object, b, n));
    }

    private double profiling(DcgmField field) throws GpuCallException {
        boolean pcie = field == DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES || field == DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES;
        GpmSampler sampler = gpu.gpm();
        if (sampler == null) {
            if (pcie) {
                int counter = field == DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES ? PCIE_UTIL_TX_BYTES : PCIE_UTIL_RX_BYTES;
                return 1024.0
                        * nvml.u32("nvmlDeviceGetPcieThroughput", o -> lib.nvmlDeviceGetPcieThroughput(d, counter, o));
            }
            throw new GpuCallException(
                    "nvmlGpmQueryDeviceSupport", Nvml.ERROR_NOT_SUPPORTED, "GPM not supported on this device");
        }
        // On a node that also has GPUs without GPM the PCIe fields run on the slow schedule; there
        // they reuse the fast cycle's sample pair instead of advancing the sampler a second time.
        GpmSampler.Result result = pcie && backend.isSlow(field) ? sampler.latest() : gpm.get(sampler::advance);
        return result.value(nvml, field);
    }
}
