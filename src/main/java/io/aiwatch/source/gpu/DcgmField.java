package io.aiwatch.source.gpu;

import java.util.Optional;

/**
 * Every field of dcgm-exporter's {@code default-counters.csv} and {@code dcp-metrics-included.csv}
 * (commented-out lines included), plus the DCP fields the issue tracker asks for and
 * {@code DCGM_FI_DEV_ROW_REMAP_PENDING} (DCGM field 396, which dcgm-exporter serves when a counters
 * file lists it; the shipped alerts read it), with the unit
 * dcgm-exporter uses and where aiwatch gets the value. The family name is the field name
 * verbatim; no suffix is added.
 *
 * <p>{@link #source} is documentation (it feeds {@code docs/FIELDS.md}); {@link #notProvided} is
 * non-null for fields no backend can produce, with the reason.
 */
public enum DcgmField {
    DCGM_FI_DEV_SM_CLOCK(Kind.GAUGE, "SM clock frequency (in MHz).", "nvmlDeviceGetClockInfo(NVML_CLOCK_SM), MHz"),
    DCGM_FI_DEV_MEM_CLOCK(
            Kind.GAUGE, "Memory clock frequency (in MHz).", "nvmlDeviceGetClockInfo(NVML_CLOCK_MEM), MHz"),
    DCGM_FI_DEV_MEMORY_TEMP(
            Kind.GAUGE, "Memory temperature (in C).", "nvmlDeviceGetFieldValues(NVML_FI_DEV_MEMORY_TEMP), °C"),
    DCGM_FI_DEV_GPU_TEMP(Kind.GAUGE, "GPU temperature (in C).", "nvmlDeviceGetTemperature(NVML_TEMPERATURE_GPU), °C"),
    DCGM_FI_DEV_POWER_USAGE(Kind.GAUGE, "Power draw (in W).", "nvmlDeviceGetPowerUsage, mW / 1000"),
    DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION(
            Kind.COUNTER, "Total energy consumption since boot (in mJ).", "nvmlDeviceGetTotalEnergyConsumption, mJ"),
    DCGM_FI_DEV_PCIE_REPLAY_COUNTER(Kind.COUNTER, "Total number of PCIe retries.", "nvmlDeviceGetPcieReplayCounter"),
    DCGM_FI_DEV_GPU_UTIL(Kind.GAUGE, "GPU utilization (in %).", "nvmlDeviceGetUtilizationRates().gpu, %"),
    DCGM_FI_DEV_MEM_COPY_UTIL(Kind.GAUGE, "Memory utilization (in %).", "nvmlDeviceGetUtilizationRates().memory, %"),
    DCGM_FI_DEV_ENC_UTIL(Kind.GAUGE, "Encoder utilization (in %).", "nvmlDeviceGetEncoderUtilization, %"),
    DCGM_FI_DEV_DEC_UTIL(Kind.GAUGE, "Decoder utilization (in %).", "nvmlDeviceGetDecoderUtilization, %"),
    DCGM_FI_DEV_XID_ERRORS(
            Kind.GAUGE,
            "Value of the last XID error encountered.",
            "nvmlEventSetWait_v2 (nvmlEventTypeXidCriticalError), last XID"),
    DCGM_FI_DEV_POWER_VIOLATION(
            Kind.COUNTER,
            "Throttling duration due to power constraints (in ns).",
            "nvmlDeviceGetViolationStatus(NVML_PERF_POLICY_POWER), ns"),
    DCGM_FI_DEV_THERMAL_VIOLATION(
            Kind.COUNTER,
            "Throttling duration due to thermal constraints (in ns).",
            "nvmlDeviceGetViolationStatus(NVML_PERF_POLICY_THERMAL), ns"),
    DCGM_FI_DEV_SYNC_BOOST_VIOLATION(
            Kind.COUNTER,
            "Throttling duration due to sync-boost constraints (in ns).",
            "nvmlDeviceGetViolationStatus(NVML_PERF_POLICY_SYNC_BOOST), ns"),
    DCGM_FI_DEV_BOARD_LIMIT_VIOLATION(
            Kind.COUNTER,
            "Throttling duration due to board limit constraints (in ns).",
            "nvmlDeviceGetViolationStatus(NVML_PERF_POLICY_BOARD_LIMIT), ns"),
    DCGM_FI_DEV_LOW_UTIL_VIOLATION(
            Kind.COUNTER,
            "Throttling duration due to low utilization (in ns).",
            "nvmlDeviceGetViolationStatus(NVML_PERF_POLICY_LOW_UTILIZATION), ns"),
    DCGM_FI_DEV_RELIABILITY_VIOLATION(
            Kind.COUNTER,
            "Throttling duration due to reliability constraints (in ns).",
            "nvmlDeviceGetViolationStatus(NVML_PERF_POLICY_RELIABILITY), ns"),
    DCGM_FI_DEV_FB_FREE(
            Kind.GAUGE, "Framebuffer memory free (in MiB).", "nvmlDeviceGetMemoryInfo_v2().free, bytes / 2^20"),
    DCGM_FI_DEV_FB_USED(
            Kind.GAUGE, "Framebuffer memory used (in MiB).", "nvmlDeviceGetMemoryInfo_v2().used, bytes / 2^20"),
    DCGM_FI_DEV_FB_RESERVED(
            Kind.GAUGE, "Framebuffer memory reserved (in MiB).", "nvmlDeviceGetMemoryInfo_v2().reserved, bytes / 2^20"),
    DCGM_FI_DEV_ECC_SBE_VOL_TOTAL(
            Kind.COUNTER,
            "Total number of single-bit volatile ECC errors.",
            "nvmlDeviceGetTotalEccErrors(CORRECTED, VOLATILE_ECC)"),
    DCGM_FI_DEV_ECC_DBE_VOL_TOTAL(
            Kind.COUNTER,
            "Total number of double-bit volatile ECC errors.",
            "nvmlDeviceGetTotalEccErrors(UNCORRECTED, VOLATILE_ECC)"),
    DCGM_FI_DEV_ECC_SBE_AGG_TOTAL(
            Kind.COUNTER,
            "Total number of single-bit persistent ECC errors.",
            "nvmlDeviceGetTotalEccErrors(CORRECTED, AGGREGATE_ECC)"),
    DCGM_FI_DEV_ECC_DBE_AGG_TOTAL(
            Kind.COUNTER,
            "Total number of double-bit persistent ECC errors.",
            "nvmlDeviceGetTotalEccErrors(UNCORRECTED, AGGREGATE_ECC)"),
    DCGM_FI_DEV_RETIRED_SBE(
            Kind.COUNTER,
            "Total number of retired pages due to single-bit errors.",
            "nvmlDeviceGetRetiredPages(MULTIPLE_SINGLE_BIT_ECC_ERRORS) count"),
    DCGM_FI_DEV_RETIRED_DBE(
            Kind.COUNTER,
            "Total number of retired pages due to double-bit errors.",
            "nvmlDeviceGetRetiredPages(DOUBLE_BIT_ECC_ERROR) count"),
    DCGM_FI_DEV_RETIRED_PENDING(
            Kind.COUNTER, "Total number of pages pending retirement.", "nvmlDeviceGetRetiredPagesPendingStatus"),
    DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL(
            Kind.COUNTER,
            "Total number of NVLink flow-control CRC errors.",
            "nvmlDeviceGetFieldValues(NVML_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL)"),
    DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL(
            Kind.COUNTER,
            "Total number of NVLink data CRC errors.",
            "nvmlDeviceGetFieldValues(NVML_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL)"),
    DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL(
            Kind.COUNTER,
            "Total number of NVLink retries.",
            "nvmlDeviceGetFieldValues(NVML_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL)"),
    DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL(
            Kind.COUNTER,
            "Total number of NVLink recovery errors.",
            "nvmlDeviceGetFieldValues(NVML_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL)"),
    DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL(
            Kind.COUNTER,
            "Total number of NVLink bandwidth counters for all lanes.",
            "nvmlDeviceGetFieldValues(NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX + _RX), KiB"),
    DCGM_FI_DEV_NVLINK_BANDWIDTH_L0(
            Kind.COUNTER,
            "The number of bytes of active NVLink rx or tx data including both header and payload.",
            null,
            "per-lane NVLink byte counters come from DCGM's own NVLink sampling; NVML exposes only per-link utilisation counters that are deprecated on Hopper"),
    DCGM_FI_DEV_VGPU_LICENSE_STATUS(
            Kind.GAUGE,
            "vGPU License status",
            null,
            "vGPU guest licensing state; NVML reports it only inside a licensed vGPU guest, which aiwatch does not target"),
    DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS(
            Kind.COUNTER, "Number of remapped rows for uncorrectable errors", "nvmlDeviceGetRemappedRows().uncorrRows"),
    DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS(
            Kind.COUNTER, "Number of remapped rows for correctable errors", "nvmlDeviceGetRemappedRows().corrRows"),
    DCGM_FI_DEV_ROW_REMAP_FAILURE(
            Kind.GAUGE, "Whether remapping of rows has failed", "nvmlDeviceGetRemappedRows().failureOccurred"),
    /** 1 while a remapped row waits for a GPU reset to take effect (XID 63/94 leave it set). */
    DCGM_FI_DEV_ROW_REMAP_PENDING(
            Kind.GAUGE, "Whether remapping of rows is pending", "nvmlDeviceGetRemappedRows().isPending"),
    DCGM_FI_DRIVER_VERSION(Kind.LABEL, "Driver Version", "nvmlSystemGetDriverVersion"),
    DCGM_FI_NVML_VERSION(Kind.LABEL, "NVML Version", "nvmlSystemGetNVMLVersion"),
    DCGM_FI_DEV_BRAND(Kind.LABEL, "Device Brand", "nvmlDeviceGetBrand"),
    DCGM_FI_DEV_SERIAL(Kind.LABEL, "Device Serial Number", "nvmlDeviceGetSerial"),
    DCGM_FI_DEV_OEM_INFOROM_VER(Kind.LABEL, "OEM inforom version", "nvmlDeviceGetInforomVersion(NVML_INFOROM_OEM)"),
    DCGM_FI_DEV_ECC_INFOROM_VER(Kind.LABEL, "ECC inforom version", "nvmlDeviceGetInforomVersion(NVML_INFOROM_ECC)"),
    DCGM_FI_DEV_POWER_INFOROM_VER(
            Kind.LABEL, "Power management object inforom version", "nvmlDeviceGetInforomVersion(NVML_INFOROM_POWER)"),
    DCGM_FI_DEV_INFOROM_IMAGE_VER(Kind.LABEL, "Inforom image version", "nvmlDeviceGetInforomImageVersion"),
    DCGM_FI_DEV_VBIOS_VERSION(Kind.LABEL, "VBIOS version of the device", "nvmlDeviceGetVbiosVersion"),
    DCGM_FI_PROF_GR_ENGINE_ACTIVE(
            Kind.GAUGE, "Ratio of time the graphics engine is active.", "GPM NVML_GPM_METRIC_GRAPHICS_UTIL / 100"),
    DCGM_FI_PROF_SM_ACTIVE(
            Kind.GAUGE, "The ratio of cycles an SM has at least 1 warp assigned.", "GPM NVML_GPM_METRIC_SM_UTIL / 100"),
    DCGM_FI_PROF_SM_OCCUPANCY(
            Kind.GAUGE, "The ratio of number of warps resident on an SM.", "GPM NVML_GPM_METRIC_SM_OCCUPANCY / 100"),
    DCGM_FI_PROF_PIPE_TENSOR_ACTIVE(
            Kind.GAUGE,
            "Ratio of cycles the tensor (HMMA) pipe is active.",
            "GPM NVML_GPM_METRIC_ANY_TENSOR_UTIL / 100"),
    DCGM_FI_PROF_DRAM_ACTIVE(
            Kind.GAUGE,
            "Ratio of cycles the device memory interface is active sending or receiving data.",
            "GPM NVML_GPM_METRIC_DRAM_BW_UTIL / 100"),
    DCGM_FI_PROF_PIPE_FP64_ACTIVE(
            Kind.GAUGE, "Ratio of cycles the fp64 pipes are active.", "GPM NVML_GPM_METRIC_FP64_UTIL / 100"),
    DCGM_FI_PROF_PIPE_FP32_ACTIVE(
            Kind.GAUGE, "Ratio of cycles the fp32 pipes are active.", "GPM NVML_GPM_METRIC_FP32_UTIL / 100"),
    DCGM_FI_PROF_PIPE_FP16_ACTIVE(
            Kind.GAUGE, "Ratio of cycles the fp16 pipes are active.", "GPM NVML_GPM_METRIC_FP16_UTIL / 100"),
    DCGM_FI_PROF_PCIE_TX_BYTES(
            Kind.GAUGE,
            "The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.",
            "GPM NVML_GPM_METRIC_PCIE_TX_PER_SEC (MiB/s × 2^20); without GPM nvmlDeviceGetPcieThroughput(TX), KiB/s × 1024"),
    DCGM_FI_PROF_PCIE_RX_BYTES(
            Kind.GAUGE,
            "The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.",
            "GPM NVML_GPM_METRIC_PCIE_RX_PER_SEC (MiB/s × 2^20); without GPM nvmlDeviceGetPcieThroughput(RX), KiB/s × 1024"),
    DCGM_FI_PROF_NVLINK_TX_BYTES(
            Kind.GAUGE,
            "The rate of data transmitted over NVLink, not including protocol headers, in bytes per second.",
            "GPM NVML_GPM_METRIC_NVLINK_TOTAL_TX_PER_SEC (MiB/s × 2^20)"),
    DCGM_FI_PROF_NVLINK_RX_BYTES(
            Kind.GAUGE,
            "The rate of data received over NVLink, not including protocol headers, in bytes per second.",
            "GPM NVML_GPM_METRIC_NVLINK_TOTAL_RX_PER_SEC (MiB/s × 2^20)"),
    DCGM_EXP_CLOCK_EVENTS_COUNT(
            Kind.COUNTER,
            "Count of clock events within the user-specified time window.",
            null,
            "dcgm-exporter's windowed count; aiwatch exposes aiwatch_gpu_clock_event_active{reason} at every sample instead"),
    DCGM_EXP_XID_ERRORS_COUNT(
            Kind.COUNTER,
            "Count of XID Errors within user-specified time window.",
            null,
            "dcgm-exporter's windowed count; aiwatch exposes the monotonic aiwatch_gpu_xid_errors_total{xid} instead (use increase())"),
    DCGM_EXP_GPU_HEALTH_STATUS(
            Kind.GAUGE, "DCGM reported health status.", null, "needs the DCGM health watches of a DCGM host engine"),
    DCGM_EXP_P2P_STATUS(Kind.GAUGE, "P2P NvLink status.", null, "needs DCGM's topology queries");

    /** How dcgm-exporter exposes the field. */
    public enum Kind {
        GAUGE,
        COUNTER,
        LABEL
    }

    private final Kind kind;
    private final String help;
    private final String source;
    private final String notProvided;

    DcgmField(Kind kind, String help, String source) {
        this(kind, help, source, null);
    }

    DcgmField(Kind kind, String help, String source, String notProvided) {
        this.kind = kind;
        this.help = help;
        this.source = source;
        this.notProvided = notProvided;
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }

    /** The NVML call and unit conversion behind the value, or null when not provided. */
    public String source() {
        return source;
    }

    /** Why no backend provides the field, or null when it is provided. */
    public String notProvided() {
        return notProvided;
    }

    public boolean isProvided() {
        return notProvided == null;
    }

    /** True for the DCP fields (DCGM field ids 1000-1099) that come from GPM here. */
    public boolean isProfiling() {
        return name().startsWith("DCGM_FI_PROF_");
    }

    public static Optional<DcgmField> byName(String name) {
        try {
            return Optional.of(valueOf(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
