package io.aiwatch.bench;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.nvml.NvmlBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a GPU collection cycle's time goes: each field read alone from a fresh per-cycle reader
 * (so it pays for its NVML call, uncached), median over N rounds, on the real driver.
 *
 * <p>Usage: {@code java -cp aiwatch.jar:test-classes io.aiwatch.bench.NvmlCallCost [ROUNDS]}
 */
public final class NvmlCallCost {
    interface Call {
        void run(GpuBackend.DeviceReader r) throws GpuCallException;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        try (NvmlBackend backend = NvmlLoader.load(Optional.empty())) {
            System.out.println("| call (device 0) | median µs | p90 µs | result |");
            System.out.println("|---|---|---|---|");
            for (DcgmField f : DcgmField.values()) {
                if (f.isProvided() && f.kind() != DcgmField.Kind.LABEL && f != DcgmField.DCGM_FI_DEV_XID_ERRORS) {
                    measure(backend, f.name(), rounds, r -> r.read(f));
                }
            }
            measure(backend, "clockEventReasons", rounds, GpuBackend.DeviceReader::clockEventReasons);
            measure(backend, "processes", rounds, GpuBackend.DeviceReader::processes);
            measure(backend, "drainXidEvents", rounds, GpuBackend.DeviceReader::drainXidEvents);
        }
    }

    private static void measure(NvmlBackend backend, String name, int rounds, Call call) throws InterruptedException {
        long[] t = new long[rounds];
        String result = "ok";
        for (int i = 0; i < rounds; i++) {
            GpuBackend.DeviceReader r = backend.reader(0);
            long t0 = System.nanoTime();
            try {
                call.run(r);
            } catch (GpuCallException e) {
                result = e.code().cName();
            }
            t[i] = System.nanoTime() - t0;
            Thread.sleep(20);
        }
        Arrays.sort(t);
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %s |%n",
                name,
                t[rounds / 2] / 1e3,
                t[rounds * 9 / 10] / 1e3,
                result);
    }
}
