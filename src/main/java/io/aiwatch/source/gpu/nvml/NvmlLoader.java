package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.NvmlReturn;
import io.aiwatch.source.gpu.nvml.NvmlUnavailableException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Loads {@code libnvidia-ml.so.1}, checks and probes its symbols once, initialises NVML and
 * enumerates the devices.
 */
public final class NvmlLoader {
    /** The versioned name the driver installs; the unversioned one needs the dev package. */
    public static final String DEFAULT_LIBRARY = "libnvidia-ml.so.1";

    private NvmlLoader() {}

    /**
     * @param library an absolute path overriding the default {@value #DEFAULT_LIBRARY} lookup
     * @return a started backend; the caller closes it (nvmlShutdown)
     * @throws NvmlUnavailableException with a reason and a message saying what to check
     */
    public static NvmlBackend load(Optional<Path> library) throws NvmlUnavailableException {
        String name = library.map(p -> p.toAbsolutePath().toString()).orElse(DEFAULT_LIBRARY);
        if (library.isPresent() && !Files.exists(library.get())) {
            throw new NvmlUnavailableException(
                    Reason.LIBRARY_NOT_FOUND,
                    "NVML library " + name + " does not exist (check the configured library path)",
                    null,
                    null);
        }
        NativeLibrary nativeLibrary;
        try {
            nativeLibrary = NativeLibrary.getInstance(name);
        } catch (UnsatisfiedLinkError e) {
            throw new NvmlUnavailableException(
                    Reason.LIBRARY_NOT_FOUND,
                    "cannot load " + name + ": " + e.getMessage()
                            + " (is the NVIDIA driver installed? in a container, are the driver libraries mounted,"
                            + " e.g. by the NVIDIA container toolkit?)",
                    null,
                    e);
        }
        Set<String> symbols = new HashSet<>();
        for (String s : NvmlLibrary.REQUIRED) {
            if (!exports(nativeLibrary, s)) {
                throw new NvmlUnavailableException(
                        Reason.SYMBOL_MISSING,
                        name + " does not export " + s + " (not an NVML library, or a driver older than R450)",
                        null,
                        null);
            }
            symbols.add(s);
        }
        for (String s : NvmlLibrary.OPTIONAL) {
            if (exports(nativeLibrary, s)) {
                symbols.add(s);
            }
        }
        NvmlLibrary lib = Native.load(name, NvmlLibrary.class);
        int rc = lib.nvmlInit_v2();
        if (rc != Nvml.SUCCESS) {
            throw new NvmlUnavailableException(
                    Reason.INIT_FAILED,
                    "nvmlInit_v2 returned " + NvmlReturn.of(rc).cName() + " (" + rc + "): " + errorString(lib, rc)
                            + hint(rc),
                    rc,
                    null);
        }
        try {
            return NvmlBackend.start(new Nvml(lib, symbols));
        } catch (GpuCallException e) {
            lib.nvmlShutdown();
            throw new NvmlUnavailableException(
                    Reason.DEVICE_QUERY_FAILED, "NVML initialised but " + e.getMessage(), e.rawCode(), e);
        }
    }

    private static boolean exports(NativeLibrary lib, String symbol) {
        try {
            lib.getFunction(symbol);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static String errorString(NvmlLibrary lib, int rc) {
        try {
            return lib.nvmlErrorString(rc);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "?";
        }
    }

    private static String hint(int rc) {
        return switch (NvmlReturn.of(rc)) {
            case DRIVER_NOT_LOADED -> " (the nvidia kernel module is not loaded)";
            case NO_PERMISSION -> " (no permission on /dev/nvidia*)";
            case LIB_RM_VERSION_MISMATCH ->
                " (libnvidia-ml and the kernel module are different driver versions; reboot or reload the module)";
            default -> "";
        };
    }
}
