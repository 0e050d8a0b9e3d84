package io.aiwatch.source.gpu;

/**
 * NVML's {@code nvmlReturn_t} codes (nvml.h). Kept in {@code gpu} rather than {@code gpu.nvml}
 * because the collector's error policy (drop, mark lost, count) is expressed in them and the
 * simulated backend injects the same codes.
 */
public enum NvmlReturn {
    SUCCESS(0),
    UNINITIALIZED(1),
    INVALID_ARGUMENT(2),
    NOT_SUPPORTED(3),
    NO_PERMISSION(4),
    ALREADY_INITIALIZED(5),
    NOT_FOUND(6),
    INSUFFICIENT_SIZE(7),
    INSUFFICIENT_POWER(8),
    DRIVER_NOT_LOADED(9),
    TIMEOUT(10),
    IRQ_ISSUE(11),
    LIBRARY_NOT_FOUND(12),
    FUNCTION_NOT_FOUND(13),
    CORRUPTED_INFOROM(14),
    GPU_IS_LOST(15),
    RESET_REQUIRED(16),
    OPERATING_SYSTEM(17),
    LIB_RM_VERSION_MISMATCH(18),
    IN_USE(19),
    MEMORY(20),
    NO_DATA(21),
    VGPU_ECC_NOT_SUPPORTED(22),
    INSUFFICIENT_RESOURCES(23),
    FREQ_NOT_SUPPORTED(24),
    ARGUMENT_VERSION_MISMATCH(25),
    DEPRECATED(26),
    NOT_READY(27),
    GPU_NOT_FOUND(28),
    INVALID_STATE(29),
    UNKNOWN(999);

    private final int code;

    NvmlReturn(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The enum for a raw code; codes newer than this table map to {@link #UNKNOWN}. */
    public static NvmlReturn of(int code) {
        for (NvmlReturn r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return UNKNOWN;
    }

    /** The C name, e.g. {@code NVML_ERROR_GPU_IS_LOST}, used as the {@code code} label. */
    public String cName() {
        return this == SUCCESS ? "NVML_SUCCESS" : "NVML_ERROR_" + name();
    }
}
