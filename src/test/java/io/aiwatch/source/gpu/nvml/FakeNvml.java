package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The control functions of the fake libnvidia-ml.so.1 built from src/test/c/fake_nvml.c. The
 * JVM loads the library once, so the binding under test and this interface share its state.
 */
interface FakeNvml extends Library {

    /** The fake library's path, from the surefire property; fails loudly when missing. */
    static Path path() {
        String p = System.getProperty("aiwatch.fakeNvml");
        if (p == null || !Files.exists(Path.of(p))) {
            throw new IllegalStateException("fake NVML not built: system property aiwatch.fakeNvml=" + p
                    + " (run through Maven, which compiles src/test/c/fake_nvml.c)");
        }
        return Path.of(p);
    }

    static FakeNvml load() {
        FakeNvml fake = Native.load(path().toString(), FakeNvml.class);
        fake.fake_reset();
        return fake;
    }

    static NvmlBackend backend() throws NvmlUnavailableException {
        return NvmlLoader.load(Optional.of(path()));
    }

    /**
     * A backend over the fake as if the library did not export {@code missing}: the same path
     * {@link NvmlLoader} takes after probing symbols.
     */
    static NvmlBackend backendWithout(String... missing) throws Exception {
        NvmlLibrary lib = Native.load(path().toString(), NvmlLibrary.class);
        if (lib.nvmlInit_v2() != 0) {
            throw new IllegalStateException("fake nvmlInit_v2 failed");
        }
        Set<String> symbols = new HashSet<>(NvmlLibrary.REQUIRED);
        symbols.addAll(NvmlLibrary.OPTIONAL);
        symbols.removeAll(Set.of(missing));
        return NvmlBackend.start(new Nvml(lib, symbols));
    }

    /** sizeof(type) when field is null, else offsetof(type, field); -1 when the probe does not know it. */
    long fake_layout(String type, String field);

    void fake_reset();

    void fake_set_device_count(int n);

    void fake_set_value(int dev, String name, double value);

    void fake_set_string(int dev, String name, String value);

    void fake_unset(int dev, String name);

    /** The next {@code times} calls (-1: all) of {@code function} on {@code device} (-1: any) return {@code rc}. */
    void fake_fail(String function, int device, int rc, int times);

    void fake_hang(String function, int device, int millis);

    void fake_push_xid(int device, long xid);

    /** type 0 compute, 1 graphics; used < 0 stores NVML_VALUE_NOT_AVAILABLE. */
    void fake_set_processes(int dev, int type, int count, int[] pids, long[] used);

    void fake_set_init_result(int rc);

    int fake_init_depth();

    int fake_calls(String function);

    /** MIG device {@code slot} of GPU {@code dev} in GPU instance {@code gi}, compute instance {@code ci}; turns MIG on. */
    void fake_add_mig(
            int dev, int slot, int gi, int ci, int profileId, String uuid, double totalBytes, double usedBytes);
}
