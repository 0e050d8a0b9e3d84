package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlHandles.EventSet;
import io.aiwatch.source.gpu.nvml.NvmlHandles.GpmSample;
import io.aiwatch.source.gpu.nvml.NvmlHandles.GpuInstanceHandle;
import io.aiwatch.source.gpu.nvml.NvmlStructs.EventData;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpmMetricsGet;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpmSupport;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpuInstanceInfo;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpuInstanceProfileInfoV2;
import io.aiwatch.source.gpu.nvml.NvmlStructs.Memory;
import io.aiwatch.source.gpu.nvml.NvmlStructs.MemoryV2;
import io.aiwatch.source.gpu.nvml.NvmlStructs.PciInfo;
import io.aiwatch.source.gpu.nvml.NvmlStructs.Utilization;
import io.aiwatch.source.gpu.nvml.NvmlStructs.ViolationTime;
import java.util.List;

/**
 * The subset of {@code libnvidia-ml.so.1} the binding calls. Every function returns
 * {@code nvmlReturn_t} as an int. {@code unsigned int} out-parameters are {@link IntByReference}
 * (widen with {@link Integer#toUnsignedLong}); strings are {@code byte[]} buffers.
 *
 * <p>JNA resolves a symbol on first call, so {@link #REQUIRED} symbols are checked at load and
 * {@link #OPTIONAL} ones are probed once (see {@link Nvml#has}).
 */
interface NvmlLibrary extends Library {

    List<String> REQUIRED = List.of(
            "nvmlInit_v2", "nvmlShutdown", "nvmlErrorString", "nvmlDeviceGetCount_v2", "nvmlDeviceGetHandleByIndex_v2");

    List<String> OPTIONAL = List.of(
            "nvmlSystemGetDriverVersion",
            "nvmlSystemGetNVMLVersion",
            "nvmlDeviceGetUUID",
            "nvmlDeviceGetName",
            "nvmlDeviceGetSerial",
            "nvmlDeviceGetVbiosVersion",
            "nvmlDeviceGetInforomVersion",
            "nvmlDeviceGetInforomImageVersion",
            "nvmlDeviceGetMinorNumber",
            "nvmlDeviceGetBrand",
            "nvmlDeviceGetPciInfo_v3",
            "nvmlDeviceGetClockInfo",
            "nvmlDeviceGetTemperature",
            "nvmlDeviceGetTemperatureThreshold",
            "nvmlDeviceGetPowerUsage",
            "nvmlDeviceGetEnforcedPowerLimit",
            "nvmlDeviceGetTotalEnergyConsumption",
            "nvmlDeviceGetPcieReplayCounter",
            "nvmlDeviceGetUtilizationRates",
            "nvmlDeviceGetEncoderUtilization",
            "nvmlDeviceGetDecoderUtilization",
            "nvmlDeviceGetViolationStatus",
            "nvmlDeviceGetMemoryInfo",
            "nvmlDeviceGetMemoryInfo_v2",
            "nvmlDeviceGetTotalEccErrors",
            "nvmlDeviceGetRetiredPages",
            "nvmlDeviceGetRetiredPagesPendingStatus",
            "nvmlDeviceGetRemappedRows",
            "nvmlDeviceGetFieldValues",
            "nvmlDeviceGetCurrentClocksEventReasons",
            "nvmlDeviceGetCurrentClocksThrottleReasons",
            "nvmlDeviceGetComputeRunningProcesses_v3",
            "nvmlDeviceGetGraphicsRunningProcesses_v3",
            "nvmlDeviceGetPcieThroughput",
            "nvmlEventSetCreate",
            "nvmlDeviceRegisterEvents",
            "nvmlEventSetWait_v2",
            "nvmlEventSetFree",
            "nvmlGpmQueryDeviceSupport",
            "nvmlGpmSampleAlloc",
            "nvmlGpmSampleFree",
            "nvmlGpmSampleGet",
            "nvmlGpmMetricsGet",
            "nvmlDeviceGetMigMode",
            "nvmlDeviceGetMaxMigDeviceCount",
            "nvmlDeviceGetMigDeviceHandleByIndex",
            "nvmlDeviceGetGpuInstanceId",
            "nvmlDeviceGetComputeInstanceId",
            "nvmlDeviceGetGpuInstanceById",
            "nvmlGpuInstanceGetInfo",
            "nvmlDeviceGetGpuInstanceProfileInfoV",
            "nvmlSystemGetCudaDriverVersion_v2",
            "nvmlDeviceGetApplicationsClock",
            "nvmlDeviceGetDefaultApplicationsClock",
            "nvmlDeviceGetMaxClockInfo",
            "nvmlDeviceGetEccMode",
            "nvmlDeviceGetPersistenceMode",
            "nvmlDeviceGetPowerManagementLimit",
            "nvmlDeviceGetPowerManagementDefaultLimit",
            "nvmlDeviceGetComputeMode",
            "nvmlDeviceGetPerformanceState");

    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlSystemGetNVMLVersion(byte[] version, int length);

    /** CUDA driver API version as 1000 * major + 10 * minor (13000 = 13.0). Read-only. */
    int nvmlSystemGetCudaDriverVersion_v2(IntByReference cudaDriverVersion);

    /** Application clock target of clockType (nvmlClockType_t), MHz. Read-only. */
    int nvmlDeviceGetApplicationsClock(Device device, int clockType, IntByReference clockMhz);

    int nvmlDeviceGetDefaultApplicationsClock(Device device, int clockType, IntByReference clockMhz);

    int nvmlDeviceGetMaxClockInfo(Device device, int clockType, IntByReference clockMhz);

    /** nvmlEnableState_t current and pending (after reboot) ECC mode. */
    int nvmlDeviceGetEccMode(Device device, IntByReference current, IntByReference pending);

    /** nvmlEnableState_t. */
    int nvmlDeviceGetPersistenceMode(Device device, IntByReference mode);

    /** Power management limit, milliwatts. */
    int nvmlDeviceGetPowerManagementLimit(Device device, IntByReference milliwatts);

    int nvmlDeviceGetPowerManagementDefaultLimit(Device device, IntByReference milliwatts);

    /** nvmlComputeMode_t. */
    int nvmlDeviceGetComputeMode(Device device, IntByReference mode);

    /** nvmlPstates_t: 0 (P0, most performance) to 15, 32 unknown. */
    int nvmlDeviceGetPerformanceState(Device device, IntByReference pState);

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetUUID(Device device, byte[] uuid, int length);

    int nvmlDeviceGetName(Device device, byte[] name, int length);

    int nvmlDeviceGetSerial(Device device, byte[] serial, int length);

    int nvmlDeviceGetVbiosVersion(Device device, byte[] version, int length);

    /** object: nvmlInforomObject_t (OEM 0, ECC 1, POWER 2). */
    int nvmlDeviceGetInforomVersion(Device device, int object, byte[] version, int length);

    int nvmlDeviceGetInforomImageVersion(Device device, byte[] version, int length);

    int nvmlDeviceGetMinorNumber(Device device, IntByReference minorNumber);

    /** type: nvmlBrandType_t. */
    int nvmlDeviceGetBrand(Device device, IntByReference type);

    int nvmlDeviceGetPciInfo_v3(Device device, PciInfo pci);

    /** type: nvmlClockType_t; clock in MHz. */
    int nvmlDeviceGetClockInfo(Device device, int type, IntByReference clockMhz);

    /** sensorType: nvmlTemperatureSensors_t (GPU 0); temp in °C. */
    int nvmlDeviceGetTemperature(Device device, int sensorType, IntByReference tempCelsius);

    /** thresholdType: nvmlTemperatureThresholds_t; temp in °C. */
    int nvmlDeviceGetTemperatureThreshold(Device device, int thresholdType, IntByReference tempCelsius);

    int nvmlDeviceGetPowerUsage(Device device, IntByReference milliwatts);

    int nvmlDeviceGetEnforcedPowerLimit(Device device, IntByReference milliwatts);

    int nvmlDeviceGetTotalEnergyConsumption(Device device, LongByReference millijoules);

    int nvmlDeviceGetPcieReplayCounter(Device device, IntByReference value);

    int nvmlDeviceGetUtilizationRates(Device device, Utilization utilization);

    int nvmlDeviceGetEncoderUtilization(Device device, IntByReference percent, IntByReference samplingPeriodUs);

    int nvmlDeviceGetDecoderUtilization(Device device, IntByReference percent, IntByReference samplingPeriodUs);

    /** perfPolicyType: nvmlPerfPolicyType_t. */
    int nvmlDeviceGetViolationStatus(Device device, int perfPolicyType, ViolationTime violTime);

    int nvmlDeviceGetMemoryInfo(Device device, Memory memory);

    int nvmlDeviceGetMemoryInfo_v2(Device device, MemoryV2 memory);

    /** errorType: nvmlMemoryErrorType_t; counterType: nvmlEccCounterType_t. */
    int nvmlDeviceGetTotalEccErrors(Device device, int errorType, int counterType, LongByReference eccCounts);

    /** cause: nvmlPageRetirementCause_t; addresses may be NULL with pageCount 0 to count. */
    int nvmlDeviceGetRetiredPages(Device device, int cause, IntByReference pageCount, Pointer addresses);

    /** isPending: nvmlEnableState_t. */
    int nvmlDeviceGetRetiredPagesPendingStatus(Device device, IntByReference isPending);

    int nvmlDeviceGetRemappedRows(
            Device device,
            IntByReference corrRows,
            IntByReference uncRows,
            IntByReference isPending,
            IntByReference failureOccurred);

    /** values: nvmlFieldValue_t[valuesCount], contiguous. */
    int nvmlDeviceGetFieldValues(Device device, int valuesCount, Pointer values);

    int nvmlDeviceGetCurrentClocksEventReasons(Device device, LongByReference reasons);

    int nvmlDeviceGetCurrentClocksThrottleReasons(Device device, LongByReference reasons);

    /** infos: nvmlProcessInfo_t[*infoCount], contiguous; may be NULL with *infoCount 0. */
    int nvmlDeviceGetComputeRunningProcesses_v3(Device device, IntByReference infoCount, Pointer infos);

    int nvmlDeviceGetGraphicsRunningProcesses_v3(Device device, IntByReference infoCount, Pointer infos);

    /** counter: nvmlPcieUtilCounter_t (TX 0, RX 1); value in KiB/s. Sleeps ~20 ms inside NVML. */
    int nvmlDeviceGetPcieThroughput(Device device, int counter, IntByReference kibPerSecond);

    int nvmlEventSetCreate(PointerByReference set);

    int nvmlDeviceRegisterEvents(Device device, long eventTypes, EventSet set);

    int nvmlEventSetWait_v2(EventSet set, EventData data, int timeoutMs);

    int nvmlEventSetFree(EventSet set);

    int nvmlGpmQueryDeviceSupport(Device device, GpmSupport gpmSupport);

    int nvmlGpmSampleAlloc(PointerByReference gpmSample);

    int nvmlGpmSampleFree(GpmSample gpmSample);

    int nvmlGpmSampleGet(Device device, GpmSample gpmSample);

    int nvmlGpmMetricsGet(GpmMetricsGet metricsGet);

    /** currentMode, pendingMode: NVML_DEVICE_MIG_DISABLE 0 / NVML_DEVICE_MIG_ENABLE 1. */
    int nvmlDeviceGetMigMode(Device device, IntByReference currentMode, IntByReference pendingMode);

    int nvmlDeviceGetMaxMigDeviceCount(Device device, IntByReference count);

    /** NOT_FOUND for an index with no MIG device. */
    int nvmlDeviceGetMigDeviceHandleByIndex(Device device, int index, PointerByReference migDevice);

    int nvmlDeviceGetGpuInstanceId(Device migDevice, IntByReference id);

    int nvmlDeviceGetComputeInstanceId(Device migDevice, IntByReference id);

    int nvmlDeviceGetGpuInstanceById(Device device, int id, PointerByReference gpuInstance);

    int nvmlGpuInstanceGetInfo(GpuInstanceHandle gpuInstance, GpuInstanceInfo info);

    /** profile: NVML_GPU_INSTANCE_PROFILE_* index, 0 .. NVML_GPU_INSTANCE_PROFILE_COUNT-1. */
    int nvmlDeviceGetGpuInstanceProfileInfoV(Device device, int profile, GpuInstanceProfileInfoV2 info);
}
