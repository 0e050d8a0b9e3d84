package io.aiwatch.source.gpu;

/**
 * A GPU library call returned an error.
 *
 * @see NvmlReturn for how the collector treats each kind
 */
public final class GpuCallException extends Exception {
    private final String function;
    private final NvmlReturn code;
    private final int rawCode;

    public GpuCallException(String function, int rawCode, String message) {
        super(function + " returned " + NvmlReturn.of(rawCode).cName() + " (" + rawCode + ")"
                + (message == null || message.isEmpty() ? "" : ": " + message));
        this.function = function;
        this.rawCode = rawCode;
        this.code = NvmlReturn.of(rawCode);
    }

    public GpuCallException(String function, NvmlReturn code) {
        this(function, code.code(), null);
    }

    /** The library function that failed, e.g. {@code nvmlDeviceGetPowerUsage}. */
    public String function() {
        return function;
    }

    public NvmlReturn code() {
        return code;
    }

    public int rawCode() {
        return rawCode;
    }

    public boolean isNotSupported() {
        return code == NvmlReturn.NOT_SUPPORTED;
    }

    public boolean isGpuLost() {
        return code == NvmlReturn.GPU_IS_LOST;
    }
}
