package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlHandles.GpmSample;

/**
 * The NVML structs the binding passes by pointer, field for field in {@code nvml.h} order (NVML
 * API 12, see docs/NVML.md). Each field carries its C type and unit. {@code NvmlLayoutTest}
 * compares every size and offset with the C compiler's. Never leave the package.
 */
final class NvmlStructs {
    private NvmlStructs() {}

    /** {@code nvmlPciInfo_t} (filled by nvmlDeviceGetPciInfo_v3). 68 bytes. */
    @FieldOrder({"busIdLegacy", "domain", "bus", "device", "pciDeviceId", "pciSubSystemId", "busId"})
    public static final class PciInfo extends Structure {
        public byte[] busIdLegacy = new byte[16]; // char[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE], "0000:8D:00.0"
        public int domain; // unsigned int, 0..0xffffffff
        public int bus; // unsigned int, 0..0xff
        public int device; // unsigned int, 0..31
        public int pciDeviceId; // unsigned int, 16-bit device id << 16 | vendor id
        public int pciSubSystemId; // unsigned int
        public byte[] busId = new byte[32]; // char[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE], "00000000:8D:00.0"
    }

    /** {@code nvmlUtilization_t}. */
    @FieldOrder({"gpu", "memory"})
    public static final class Utilization extends Structure {
        public int gpu; // unsigned int, percent of the last sample period with a kernel running
        public int memory; // unsigned int, percent of the period with device memory read or written
    }

    /** {@code nvmlMemory_t} (v1): used includes reserved. */
    @FieldOrder({"total", "free", "used"})
    public static final class Memory extends Structure {
        public long total; // unsigned long long, bytes
        public long free; // unsigned long long, bytes
        public long used; // unsigned long long, bytes (allocated + reserved)
    }

    /** {@code nvmlMemory_v2_t}: version must be {@link #VERSION}. */
    @FieldOrder({"version", "total", "reserved", "free", "used"})
    public static final class MemoryV2 extends Structure {
        /** NVML_STRUCT_VERSION(Memory, 2): sizeof(nvmlMemory_v2_t) | 2 << 24. */
        static final int VERSION = 40 | 2 << 24;

        public int version; // unsigned int, structure format version
        public long total; // unsigned long long, bytes
        public long reserved; // unsigned long long, bytes reserved for system use (driver, firmware)
        public long free; // unsigned long long, bytes
        public long used; // unsigned long long, bytes allocated
    }

    /** {@code nvmlProcessInfo_t} = {@code nvmlProcessInfo_v2_t} (the _v3 process queries fill it). */
    @FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId"})
    public static final class ProcessInfo extends Structure {
        public int pid; // unsigned int, process id
        public long usedGpuMemory; // unsigned long long, bytes; NVML_VALUE_NOT_AVAILABLE (-1) when unknown
        public int gpuInstanceId; // unsigned int, MIG GPU instance or 0xFFFFFFFF
        public int computeInstanceId; // unsigned int, MIG compute instance or 0xFFFFFFFF

        public ProcessInfo() {}

        ProcessInfo(Pointer p) {
            super(p);
        }
    }

    /** {@code nvmlViolationTime_t}. */
    @FieldOrder({"referenceTime", "violationTime"})
    public static final class ViolationTime extends Structure {
        public long referenceTime; // unsigned long long, CPU timestamp, microseconds
        public long violationTime; // unsigned long long, nanoseconds held below application clocks
    }

    /**
     * {@code nvmlFieldValue_t}. The value is the 8-byte union {@code nvmlValue_t}, kept as raw
     * bytes and decoded by {@link #valueType} (see {@link NvmlFieldValues}).
     */
    @FieldOrder({"fieldId", "scopeId", "timestamp", "latencyUsec", "valueType", "nvmlReturn", "value"})
    public static final class FieldValue extends Structure {
        public int fieldId; // unsigned int, NVML_FI_* id (in)
        public int scopeId; // unsigned int, e.g. NVLink id; UINT_MAX = all links (in)
        public long timestamp; // long long, CPU timestamp, microseconds since 1970
        public long latencyUsec; // long long, microseconds the driver took
        public int valueType; // nvmlValueType_t (enum, 4 bytes)
        public int nvmlReturn; // nvmlReturn_t, per-field status
        public byte[] value = new byte[8]; // nvmlValue_t union, 8 bytes at offset 32, read per valueType

        public FieldValue() {}

        FieldValue(Pointer p) {
            super(p);
        }
    }

    /** {@code nvmlEventData_t}. */
    @FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
    public static final class EventData extends Structure {
        public Device device; // nvmlDevice_t, the device the event is for
        public long eventType; // unsigned long long, nvmlEventType* bit
        public long eventData; // unsigned long long, the XID for nvmlEventTypeXidCriticalError
        public int gpuInstanceId; // unsigned int, MIG GPU instance or 0xFFFFFFFF
        public int computeInstanceId; // unsigned int, MIG compute instance or 0xFFFFFFFF
    }

    /** {@code nvmlGpmSupport_t}: version must be NVML_GPM_SUPPORT_VERSION (1). */
    @FieldOrder({"version", "isSupportedDevice"})
    public static final class GpmSupport extends Structure {
        static final int VERSION = 1;

        public int version; // unsigned int (in)
        public int isSupportedDevice; // unsigned int, non-zero when GPM works on the device (out)
    }

    /** The anonymous {@code metricInfo} struct inside {@code nvmlGpmMetric_t}. */
    @FieldOrder({"shortName", "longName", "unit"})
    public static final class GpmMetricInfo extends Structure {
        public Pointer shortName; // char*, may be NULL
        public Pointer longName; // char*, may be NULL
        public Pointer unit; // char*, may be NULL
    }

    /** {@code nvmlGpmMetric_t}. */
    @FieldOrder({"metricId", "nvmlReturn", "value", "metricInfo"})
    public static final class GpmMetric extends Structure {
        public int metricId; // unsigned int, NVML_GPM_METRIC_* (in)
        public int nvmlReturn; // nvmlReturn_t, status of this metric (out)
        public double value; // double, percent 0-100 or MiB/s (out)
        public GpmMetricInfo metricInfo = new GpmMetricInfo(); // names and unit (out)
    }

    /** {@code nvmlGpmMetricsGet_t}: version must be NVML_GPM_METRICS_GET_VERSION (1). */
    @FieldOrder({"version", "numMetrics", "sample1", "sample2", "metrics"})
    public static final class GpmMetricsGet extends Structure {
        static final int VERSION = 1;
        /** NVML_GPM_METRIC_MAX of the header this layout follows. */
        static final int METRIC_MAX = 98;

        public int version; // unsigned int (in)
        public int numMetrics; // unsigned int, entries used in metrics[] (in)
        public GpmSample sample1; // nvmlGpmSample_t, the older sample (in)
        public GpmSample sample2; // nvmlGpmSample_t, the newer sample (in)
        public GpmMetric[] metrics = new GpmMetric[METRIC_MAX]; // nvmlGpmMetric_t[NVML_GPM_METRIC_MAX]

        public GpmMetricsGet() {
            for (int i = 0; i < metrics.length; i++) {
                metrics[i] = new GpmMetric();
            }
        }
    }

    /** {@code nvmlGpuInstancePlacement_t}, embedded in {@link GpuInstanceInfo}. */
    @FieldOrder({"start", "size"})
    public static final class GpuInstancePlacement extends Structure {
        public int start; // unsigned int, index of the first memory slice
        public int size; // unsigned int, number of memory slices
    }

    /** {@code nvmlGpuInstanceInfo_t} (filled by nvmlGpuInstanceGetInfo). */
    @FieldOrder({"device", "id", "profileId", "placement"})
    public static final class GpuInstanceInfo extends Structure {
        public Pointer device; // nvmlDevice_t, the parent GPU
        public int id; // unsigned int, GPU-instance id within the GPU
        public int profileId; // unsigned int, profile id (nvmlGpuInstanceProfileInfo_v2_t.id)
        public GpuInstancePlacement placement; // nvmlGpuInstancePlacement_t
    }

    /** {@code nvmlGpuInstanceProfileInfo_v2_t} (nvmlDeviceGetGpuInstanceProfileInfoV): version must be {@link #VERSION}. */
    @FieldOrder({
        "version",
        "id",
        "isP2pSupported",
        "sliceCount",
        "instanceCount",
        "multiprocessorCount",
        "copyEngineCount",
        "decoderCount",
        "encoderCount",
        "jpegCount",
        "ofaCount",
        "memorySizeMB",
        "name"
    })
    public static final class GpuInstanceProfileInfoV2 extends Structure {
        /** NVML_STRUCT_VERSION(GpuInstanceProfileInfo, 2): sizeof = 152, | 2 << 24. */
        static final int VERSION = 152 | 2 << 24;

        public int version; // unsigned int, structure format version
        public int id; // unsigned int, profile id
        public int isP2pSupported; // unsigned int, boolean
        public int sliceCount; // unsigned int, GPU slices
        public int instanceCount; // unsigned int, instances of this profile that fit
        public int multiprocessorCount; // unsigned int, SMs
        public int copyEngineCount; // unsigned int
        public int decoderCount; // unsigned int
        public int encoderCount; // unsigned int
        public int jpegCount; // unsigned int
        public int ofaCount; // unsigned int
        public long memorySizeMB; // unsigned long long, MiB
        public byte[] name = new byte[96]; // char[NVML_DEVICE_NAME_V2_BUFFER_SIZE], "MIG 1g.10gb"
    }
}
