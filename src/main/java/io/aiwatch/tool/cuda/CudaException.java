package io.aiwatch.tool.cuda;

/**
 * A failed CUDA driver call, or a request the GPU cannot serve (no driver, no GPU, not enough free
 * memory), with a message meant for the person running the benchmark.
 *
 * <p>{@link #code()} is the driver's {@code CUresult} (for example 2 for out of memory, 100 for no
 * device), or {@link #NOT_A_DRIVER_CODE} where aiwatch refused before calling the driver.
 */
public final class CudaException extends RuntimeException {
    /** Code of failures found by aiwatch itself (missing library, refused allocation). */
    public static final int NOT_A_DRIVER_CODE = -1;

    private final int code;

    public CudaException(int code, String message) {
        super(message);
        this.code = code;
    }

    public CudaException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The driver's {@code CUresult}, or {@link #NOT_A_DRIVER_CODE}. */
    public int code() {
        return code;
    }

    /** True when the driver or aiwatch reported that device memory ran out. */
    public boolean isOutOfMemory() {
        return code == CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
    }
}
