package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device's settings that decide how fast it can run, read once for an experiment's environment
 * record: application and maximum clocks, ECC and persistence modes, power limits, compute mode
 * and performance state. Only getters are called: nothing here changes a setting. A value NVML
 * does not give is recorded as {@code "unsupported"} (or the error) rather than left out.
 */
final class NvmlSettings {
    static final int CLOCK_GRAPHICS = 0;
    static final int CLOCK_SM = 1;
    static final int CLOCK_MEM = 2;
    private static final String[] COMPUTE_MODES = {"default", "exclusive_thread", "prohibited", "exclusive_process"};

    private NvmlSettings() {}

    static Map<String, String> read(Nvml nvml, Device d) {
        NvmlLibrary lib = nvml.lib;
        Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "application_clock_sm_mhz",
                get(() -> nvml.u32(
                        "nvmlDeviceGetApplicationsClock", o -> lib.nvmlDeviceGetApplicationsClock(d, CLOCK_SM, o))));
        m.put(
                "application_clock_mem_mhz",
                get(() -> nvml.u32(
                        "nvmlDeviceGetApplicationsClock", o -> lib.nvmlDeviceGetApplicationsClock(d, CLOCK_MEM, o))));
        m.put(
                "default_application_clock_sm_mhz",
                get(() -> nvml.u32(
                        "nvmlDeviceGetDefaultApplicationsClock",
                        o -> lib.nvmlDeviceGetDefaultApplicationsClock(d, CLOCK_SM, o))));
        m.put(
                "max_clock_sm_mhz",
                get(() -> nvml.u32("nvmlDeviceGetMaxClockInfo", o -> lib.nvmlDeviceGetMaxClockInfo(d, CLOCK_SM, o))));
        m.put(
                "max_clock_mem_mhz",
                get(() -> nvml.u32("nvmlDeviceGetMaxClockInfo", o -> lib.nvmlDeviceGetMaxClockInfo(d, CLOCK_MEM, o))));
        m.put("ecc_mode", ecc(nvml, d));
        m.put(
                "persistence_mode",
                enabled(get(
                        () -> nvml.u32("nvmlDeviceGetPersistenceMode", o -> lib.nvmlDeviceGetPersistenceMode(d, o)))));
        m.put(
                "power_limit_w",
                watts(get(() -> nvml.u32(
                        "nvmlDeviceGetPowerManagementLimit", o -> lib.nvmlDeviceGetPowerManagementLimit(d, o)))));
        m.put(
                "default_power_limit_w",
                watts(get(() -> nvml.u32(
                        "nvmlDeviceGetPowerManagementDefaultLimit",
                        o -> lib.nvmlDeviceGetPowerManagementDefaultLimit(d, o)))));
        m.put(
                "enforced_power_limit_w",
                watts(get(() ->
                        nvml.u32("nvmlDeviceGetEnforcedPowerLimit", o -> lib.nvmlDeviceGetEnforcedPowerLimit(d, o)))));
        String mode = get(() -> nvml.u32("nvmlDeviceGetComputeMode", o -> lib.nvmlDeviceGetComputeMode(d, o)));
        m.put(
                "compute_mode",
                mode.matches("\\d") && Integer.parseInt(mode) < 4 ? COMPUTE_MODES[Integer.parseInt(mode)] : mode);
        String p = get(() -> nvml.u32("nvmlDeviceGetPerformanceState", o -> lib.nvmlDeviceGetPerformanceState(d, o)));
        m.put("performance_state", p.matches("\\d+") ? "P" + p : p);
        return m;
    }

    /** "13.0" from 13000, or why not. */
    static String cudaDriverVersion(Nvml nvml) {
        String v =
                get(() -> nvml.u32("nvmlSystemGetCudaDriverVersion_v2", nvml.lib::nvmlSystemGetCudaDriverVersion_v2));
        if (!v.matches("\\d+")) {
            return v;
        }
        int n = Integer.parseInt(v);
        return n / 1000 + "." + (n % 1000) / 10;
    }

    private static String ecc(Nvml nvml, Device d) {
        try {
            nvml.require("nvmlDeviceGetEccMode");
            com.sun.jna.ptr.IntByReference cur = new com.sun.jna.ptr.IntByReference();
            com.sun.jna.ptr.IntByReference pending = new com.sun.jna.ptr.IntByReference();
            nvml.check("nvmlDeviceGetEccMode", nvml.lib.nvmlDeviceGetEccMode(d, cur, pending));
            String c = cur.getValue() == 1 ? "enabled" : "disabled";
            return cur.getValue() == pending.getValue()
                    ? c
                    : c + " (pending " + (pending.getValue() == 1 ? "enabled" : "disabled") + ")";
        } catch (GpuCallException e) {
            return describe(e);
        }
    }

    private static String enabled(String v) {
        return v.equals("1") ? "enabled" : v.equals("0") ? "disabled" : v;
    }

    private static String watts(String milliwatts) {
        return milliwatts.matches("\\d+") ? Double.toString(Long.parseLong(milliwatts) / 1000.0) : milliwatts;
    }

    private interface Read {
        long get() throws GpuCallException;
    }

    private static String get(Read r) {
        try {
            return Long.toString(r.get());
        } catch (GpuCallException e) {
            return describe(e);
        }
    }

    private static String describe(GpuCallException e) {
        return e.rawCode() == Nvml.ERROR_NOT_SUPPORTED ? "unsupported" : "error " + e.rawCode();
    }
}
