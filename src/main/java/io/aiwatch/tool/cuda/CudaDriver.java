package io.aiwatch.tool.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Loads the JCuda driver binding once, initialises the driver and turns every {@code CUresult} into
 * a {@link CudaException} with a readable message.
 *
 * <p>Only the driver API is used ({@code libcuda.so.1}, installed with the NVIDIA driver), so a CUDA
 * 13 driver runs these kernels although JCuda was built against CUDA 12.6: the runtime libraries of
 * a toolkit are never needed.
 */
public final class CudaDriver {
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_INVALID_DEVICE = 101;
    static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
    static final int CUDA_ERROR_NOT_READY = 600;

    private static final Object LOCK = new Object();
    private static volatile boolean ready;
    private static CudaException failure;

    private CudaDriver() {}

    /**
     * Loads the native binding and calls {@code cuInit}. Safe to call often; a failure is remembered
     * and thrown again, since a missing library stays missing for the life of the process.
     *
     * @throws CudaException when there is no driver library, no GPU, or the driver is too old
     */
    public static void ensureInitialised() {
        if (ready) {
            return;
        }
        synchronized (LOCK) {
            if (ready) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                JCudaDriver.setExceptionsEnabled(false);
                int rc = JCudaDriver.cuInit(0);
                if (rc != CUDA_SUCCESS) {
                    failure = error(rc, "cuInit");
                    throw failure;
                }
                ready = true;
            } catch (LinkageError e) {
                String why = String.valueOf(e.getMessage());
                String reason = why.contains("libcuda.so.1")
                        ? "libcuda.so.1 not found"
                        : why.lines().findFirst().orElse(why);
                failure = new CudaException(
                        CudaException.NOT_A_DRIVER_CODE,
                        "No NVIDIA driver: the CUDA driver library (libcuda.so.1) or JCuda's binding of it could not"
                                + " be loaded (" + reason + "). GPU benchmarks need a Linux x86-64 machine with the"
                                + " NVIDIA driver installed.",
                        e);
                throw failure;
            }
        }
    }

    /** Number of CUDA devices the driver sees (respects {@code CUDA_VISIBLE_DEVICES}). */
    public static int deviceCount() {
        ensureInitialised();
        int[] n = new int[1];
        check(JCudaDriver.cuDeviceGetCount(n), "cuDeviceGetCount");
        return n[0];
    }

    /** The driver's CUDA version as major * 1000 + minor * 10 (13000 for CUDA 13.0). */
    public static int driverVersion() {
        ensureInitialised();
        int[] v = new int[1];
        check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
        return v[0];
    }

    static CUdevice device(int ordinal) {
        int count = deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new CudaException(
                    CUDA_ERROR_INVALID_DEVICE,
                    "No GPU with ordinal " + ordinal + ": the driver sees " + count + " device(s)"
                            + " (check nvidia-smi and CUDA_VISIBLE_DEVICES).");
        }
        CUdevice d = new CUdevice();
        check(JCudaDriver.cuDeviceGet(d, ordinal), "cuDeviceGet");
        return d;
    }

    /** Throws a {@link CudaException} naming {@code call} unless {@code rc} is CUDA_SUCCESS. */
    static void check(int rc, String call) {
        if (rc != CUDA_SUCCESS) {
            throw error(rc, call);
        }
    }

    static CudaException error(int rc, String call) {
        String name = errorName(rc);
        String hint = switch (rc) {
            case CUDA_ERROR_NO_DEVICE -> " No CUDA GPU is visible: check nvidia-smi and CUDA_VISIBLE_DEVICES.";
            case CUDA_ERROR_INSUFFICIENT_DRIVER -> " The NVIDIA driver is older than the CUDA version needed.";
            case CUDA_ERROR_OUT_OF_MEMORY -> " The GPU has run out of memory.";
            case CUDA_ERROR_NOT_INITIALIZED -> " The driver is not initialised.";
            default -> "";
        };
        return new CudaException(rc, call + " failed: " + name + " (" + rc + ")." + hint);
    }

    static String errorName(int rc) {
        try {
            String[] s = new String[1];
            if (JCudaDriver.cuGetErrorName(rc, s) == CUDA_SUCCESS && s[0] != null) {
                return s[0];
            }
        } catch (LinkageError e) {
            // no driver: fall through to the number
        }
        return "CUresult " + rc;
    }
}
