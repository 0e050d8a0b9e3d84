package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.NvmlReturn;
import java.util.Set;

/**
 * The loaded library plus the optional symbols it exports, with the helpers every call goes
 * through: a non-zero {@code nvmlReturn_t} becomes a {@link GpuCallException} carrying the
 * function name, the raw code and {@code nvmlErrorString}; an absent symbol becomes
 * NOT_SUPPORTED without calling anything.
 */
final class Nvml {
    static final int SUCCESS = 0;
    static final int ERROR_NOT_SUPPORTED = NvmlReturn.NOT_SUPPORTED.code();
    static final int ERROR_NOT_FOUND = NvmlReturn.NOT_FOUND.code();
    static final int ERROR_INSUFFICIENT_SIZE = NvmlReturn.INSUFFICIENT_SIZE.code();
    static final int ERROR_TIMEOUT = NvmlReturn.TIMEOUT.code();
    static final int ERROR_NO_DATA = NvmlReturn.NO_DATA.code();
    static final int ERROR_FUNCTION_NOT_FOUND = NvmlReturn.FUNCTION_NOT_FOUND.code();
    static final int ERROR_ARGUMENT_VERSION_MISMATCH = NvmlReturn.ARGUMENT_VERSION_MISMATCH.code();

    /** Large enough for every NVML string we read (the largest NVML buffer constant is 96). */
    static final int STRING_BUFFER = 128;

    final NvmlLibrary lib;
    private final Set<String> symbols;

    Nvml(NvmlLibrary lib, Set<String> symbols) {
        this.lib = lib;
        this.symbols = Set.copyOf(symbols);
    }

    /** True when the library exports {@code symbol} (probed once at load). */
    boolean has(String symbol) {
        return symbols.contains(symbol);
    }

    void require(String symbol) throws GpuCallException {
        if (!has(symbol)) {
            throw new GpuCallException(symbol, ERROR_NOT_SUPPORTED, "symbol not exported by this libnvidia-ml");
        }
    }

    GpuCallException error(String function, int rc) {
        String message;
        try {
            message = lib.nvmlErrorString(rc);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            message = null;
        }
        return new GpuCallException(function, rc, message);
    }

    void check(String function, int rc) throws GpuCallException {
        if (rc != SUCCESS) {
            throw error(function, rc);
        }
    }

    /** A call with one {@code unsigned int} out-parameter, widened. */
    long u32(String function, IntCall call) throws GpuCallException {
        require(function);
        IntByReference out = new IntByReference();
        check(function, call.invoke(out));
        return Integer.toUnsignedLong(out.getValue());
    }

    /** A call with one {@code unsigned long long} out-parameter; values past 2^63 stay negative. */
    long u64(String function, LongCall call) throws GpuCallException {
        require(function);
        LongByReference out = new LongByReference();
        check(function, call.invoke(out));
        return out.getValue();
    }

    /** A call filling a {@code char*} buffer of {@link #STRING_BUFFER} bytes. */
    String string(String function, StringCall call) throws GpuCallException {
        require(function);
        byte[] buf = new byte[STRING_BUFFER];
        check(function, call.invoke(buf, buf.length));
        return Native.toString(buf, "UTF-8").trim();
    }

    @FunctionalInterface
    interface IntCall {
        int invoke(IntByReference out);
    }

    @FunctionalInterface
    interface LongCall {
        int invoke(LongByReference out);
    }

    @FunctionalInterface
    interface StringCall {
        int invoke(byte[] buffer, int length);
    }
}
