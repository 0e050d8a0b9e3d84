package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuBackend.DeviceReader;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks on a real GPU that the binding's values are physically plausible (a swapped struct
 * field or a wrong unit fails one of them). Shared by {@link NvmlProbe} {@code --check} and the
 * {@code gpu}-tagged test. Takes real time: two cycles 1 s apart, energy 1.5 s apart.
 */
final class PlausibilityCheck {
    private static final List<DcgmField> GPM_RATIOS = List.of(
            DcgmField.DCGM_FI_PROF_GR_ENGINE_ACTIVE,
            DcgmField.DCGM_FI_PROF_SM_ACTIVE,
            DcgmField.DCGM_FI_PROF_SM_OCCUPANCY,
            DcgmField.DCGM_FI_PROF_PIPE_TENSOR_ACTIVE,
            DcgmField.DCGM_FI_PROF_DRAM_ACTIVE,
            DcgmField.DCGM_FI_PROF_PIPE_FP64_ACTIVE,
            DcgmField.DCGM_FI_PROF_PIPE_FP32_ACTIVE,
            DcgmField.DCGM_FI_PROF_PIPE_FP16_ACTIVE);

    /** What was checked: lines starting PASS or FAIL, and the report of the second cycle. */
    record Outcome(List<String> lines, List<FieldReport.Row> report) {
        boolean passed() {
            return !lines.isEmpty() && lines.stream().noneMatch(l -> l.startsWith("FAIL"));
        }
    }

    private final List<String> lines = new ArrayList<>();

    private PlausibilityCheck() {}

    static Outcome run(GpuBackend backend) throws InterruptedException {
        PlausibilityCheck c = new PlausibilityCheck();
        List<GpuDeviceInfo> devices = backend.devices();
        c.check(!devices.isEmpty(), "at least one device (found " + devices.size() + ")");
        double[] energy0 = new double[devices.size()];
        for (int i = 0; i < devices.size(); i++) {
            DeviceReader r = backend.reader(devices.get(i).index());
            energy0[i] = c.read(r, devices.get(i), DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION);
            prime(r); // first GPM sample
        }
        long start = System.nanoTime();
        Thread.sleep(1000);
        List<FieldReport.Row> report = FieldReport.collect(backend); // second cycle: GPM pairs exist now
        for (GpuDeviceInfo d : devices) {
            c.device(backend, d);
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(Math.max(0, 1500 - waited));
        for (int i = 0; i < devices.size(); i++) {
            GpuDeviceInfo d = devices.get(i);
            double e1 = c.read(backend.reader(d.index()), d, DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION);
            c.check(e1 > energy0[i], d, "energy counter increases over 1.5 s: " + energy0[i] + " -> " + e1 + " mJ");
        }
        return new Outcome(List.copyOf(c.lines), report);
    }

    private static void prime(DeviceReader r) {
        try {
            r.read(DcgmField.DCGM_FI_PROF_SM_ACTIVE);
        } catch (GpuCallException e) {
            // NO_DATA on the first sample, NOT_SUPPORTED without GPM: both expected here
        }
    }

    private void device(GpuBackend backend, GpuDeviceInfo d) {
        DeviceReader r = backend.reader(d.index());
        double gpuTemp = read(r, d, DcgmField.DCGM_FI_DEV_GPU_TEMP);
        check(gpuTemp >= 5 && gpuTemp <= 110, d, "GPU temperature " + gpuTemp + " °C in [5, 110]");
        try {
            double memTemp = r.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP);
            check(memTemp >= 5 && memTemp <= 110, d, "memory temperature " + memTemp + " °C in [5, 110]");
        } catch (GpuCallException e) {
            lines.add("INFO gpu " + d.index() + " memory temperature: " + FieldReport.error(e));
        }
        double power = read(r, d, DcgmField.DCGM_FI_DEV_POWER_USAGE);
        check(power > 0 && power < 1000, d, "power " + power + " W in (0, 1000)");
        double smClock = read(r, d, DcgmField.DCGM_FI_DEV_SM_CLOCK);
        check(smClock > 0, d, "SM clock " + smClock + " MHz > 0");
        double free = read(r, d, DcgmField.DCGM_FI_DEV_FB_FREE);
        double used = read(r, d, DcgmField.DCGM_FI_DEV_FB_USED);
        double reserved = read(r, d, DcgmField.DCGM_FI_DEV_FB_RESERVED);
        double total = d.memoryTotalBytes() / (1024.0 * 1024.0);
        double sum = free + used + reserved;
        check(
                total > 0 && Math.abs(sum - total) <= 0.01 * total,
                d,
                String.format(
                        Locale.ROOT,
                        "FB used %.0f + free %.0f + reserved %.0f = %.0f MiB within 1%% of total %.0f MiB",
                        used,
                        free,
                        reserved,
                        sum,
                        total));
        check(d.uuid().startsWith("GPU-"), d, "UUID " + d.uuid() + " starts with GPU-");
        check(
                d.pciBusId().matches("[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\\.[0-9A-F]"),
                d,
                "PCI bus id " + d.pciBusId() + " like 00000000:8D:00.0");
        if (d.gpmSupported()) {
            for (DcgmField f : GPM_RATIOS) {
                double v = read(r, d, f);
                check(v >= 0 && v <= 1, d, f.name() + " = " + v + " in [0, 1]");
            }
        } else {
            lines.add("INFO gpu " + d.index() + " has no GPM: profiling ratios not checked");
        }
    }

    private double read(DeviceReader r, GpuDeviceInfo d, DcgmField f) {
        try {
            return r.read(f);
        } catch (GpuCallException e) {
            lines.add("FAIL gpu " + d.index() + " " + f.name() + ": " + FieldReport.error(e));
            return Double.NaN;
        }
    }

    private void check(boolean ok, GpuDeviceInfo d, String what) {
        check(ok, "gpu " + d.index() + " " + what);
    }

    private void check(boolean ok, String what) {
        lines.add((ok ? "PASS " : "FAIL ") + what);
    }
}
