package io.aiwatch.source.gpu.nvml;

import java.util.Optional;

/**
 * NVML cannot be used on this host: the library is absent, too old (a required symbol is
 * missing), or {@code nvmlInit_v2} / device enumeration failed. The message says which and
 * what to check; {@link #nvmlCode()} carries the NVML return code where there is one.
 */
public final class NvmlUnavailableException extends Exception {

    /** Why NVML is unavailable. */
    public enum Reason {
        /** {@code libnvidia-ml.so.1} could not be found or loaded (driver not installed?). */
        LIBRARY_NOT_FOUND,
        /** The library lacks a symbol the binding needs (driver older than R450). */
        SYMBOL_MISSING,
        /** {@code nvmlInit_v2} returned an error (driver not loaded, no permission, ...). */
        INIT_FAILED,
        /** {@code nvmlDeviceGetCount_v2} failed after a successful init. */
        DEVICE_QUERY_FAILED
    }

    private final Reason reason;
    private final Integer nvmlCode;

    NvmlUnavailableException(Reason reason, String message, Integer nvmlCode, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.nvmlCode = nvmlCode;
    }

    public Reason reason() {
        return reason;
    }

    /** The raw {@code nvmlReturn_t} for INIT_FAILED and DEVICE_QUERY_FAILED. */
    public Optional<Integer> nvmlCode() {
        return Optional.ofNullable(nvmlCode);
    }
}
