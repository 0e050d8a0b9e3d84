package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Memory;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlStructs.FieldValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The NVML_FI_* fields aiwatch reads, fetched with one {@code nvmlDeviceGetFieldValues} call
 * per cycle. Ids are from nvml.h (they never change once assigned).
 */
final class NvmlFieldValues {
    static final String FUNCTION = "nvmlDeviceGetFieldValues";

    static final int FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL = 38;
    static final int FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL = 45;
    static final int FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL = 52;
    static final int FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL = 59;
    static final int FI_DEV_MEMORY_TEMP = 82;
    /** KiB transmitted over all links when scopeId is UINT_MAX. */
    static final int FI_DEV_NVLINK_THROUGHPUT_DATA_TX = 138;

    static final int FI_DEV_NVLINK_THROUGHPUT_DATA_RX = 139;
    /** scopeId UINT_MAX: the sum over all NVLinks. */
    static final int SCOPE_ALL_LINKS = -1;

    static final List<Integer> IDS = List.of(
            FI_DEV_MEMORY_TEMP,
            FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL,
            FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL,
            FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL,
            FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL,
            FI_DEV_NVLINK_THROUGHPUT_DATA_TX,
            FI_DEV_NVLINK_THROUGHPUT_DATA_RX);

    private final Nvml nvml;
    private final Map<Integer, Double> values;
    private final Map<Integer, Integer> codes;

    private NvmlFieldValues(Nvml nvml, Map<Integer, Double> values, Map<Integer, Integer> codes) {
        this.nvml = nvml;
        this.values = values;
        this.codes = codes;
    }

    static NvmlFieldValues fetch(Nvml nvml, Device device) throws GpuCallException {
        nvml.require(FUNCTION);
        int size = new FieldValue().size();
        Memory mem = new Memory((long) size * IDS.size());
        mem.clear();
        FieldValue[] fv = new FieldValue[IDS.size()];
        for (int i = 0; i < fv.length; i++) {
            fv[i] = new FieldValue(mem.share((long) i * size));
            fv[i].fieldId = IDS.get(i);
            boolean throughput =
                    IDS.get(i) == FI_DEV_NVLINK_THROUGHPUT_DATA_TX || IDS.get(i) == FI_DEV_NVLINK_THROUGHPUT_DATA_RX;
            fv[i].scopeId = throughput ? SCOPE_ALL_LINKS : 0;
            fv[i].write();
        }
        nvml.check(FUNCTION, nvml.lib.nvmlDeviceGetFieldValues(device, fv.length, mem));
        Map<Integer, Double> values = new HashMap<>();
        Map<Integer, Integer> codes = new HashMap<>();
        for (FieldValue v : fv) {
            v.read();
            if (v.nvmlReturn != Nvml.SUCCESS) {
                codes.put(v.fieldId, v.nvmlReturn);
            } else {
                values.put(v.fieldId, decode(v.valueType, v.value));
            }
        }
        return new NvmlFieldValues(nvml, values, codes);
    }

    /** The value of one field id, or the field's own NVML error. */
    double get(int fieldId) throws GpuCallException {
        Integer rc = codes.get(fieldId);
        if (rc != null) {
            throw nvml.error(FUNCTION, rc);
        }
        Double v = values.get(fieldId);
        if (v == null) {
            throw new GpuCallException(FUNCTION, Nvml.ERROR_NOT_SUPPORTED, "field " + fieldId + " not requested");
        }
        return v;
    }

    /** Decodes the {@code nvmlValue_t} union by {@code nvmlValueType_t}. */
    static double decode(int valueType, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        return switch (valueType) {
            case 0 -> b.getDouble(0); // NVML_VALUE_TYPE_DOUBLE
            case 1 -> Integer.toUnsignedLong(b.getInt(0)); // UNSIGNED_INT
            case 2, 3 -> unsigned(b.getLong(0)); // UNSIGNED_LONG (LP64), UNSIGNED_LONG_LONG
            case 4 -> b.getLong(0); // SIGNED_LONG_LONG
            case 5 -> b.getInt(0); // SIGNED_INT
            case 6 -> Short.toUnsignedInt(b.getShort(0)); // UNSIGNED_SHORT (newer headers)
            default -> Double.NaN;
        };
    }

    /** An {@code unsigned long long} as a double (values past 2^63 stay positive). */
    static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
