package io.aiwatch.tool.experiment.run;

import io.aiwatch.tool.experiment.RecordedSample;
import io.aiwatch.tool.experiment.SampleView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GPU and host state around an iteration, from the daemon's samples: temperatures, power and
 * clocks at a moment, and the share of time each clock-event (throttle) reason was active.
 */
final class GpuState {
    static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("DCGM_FI_DEV_GPU_TEMP", "temperature_celsius");
        FIELDS.put("DCGM_FI_DEV_MEMORY_TEMP", "memory_temperature_celsius");
        FIELDS.put("DCGM_FI_DEV_POWER_USAGE", "power_watts");
        FIELDS.put("DCGM_FI_DEV_SM_CLOCK", "sm_clock_mhz");
        FIELDS.put("DCGM_FI_DEV_MEM_CLOCK", "memory_clock_mhz");
        FIELDS.put("DCGM_FI_DEV_GPU_UTIL", "utilization_percent");
    }

    static final String CLOCK_EVENTS = "aiwatch_gpu_clock_event_active";

    private GpuState() {}

    /** Per GPU (label {@code gpu}): the latest value of each field, plus the host's load average. */
    static Map<String, Object> now(SampleView samples, HostProbe host) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Map<String, Object>> gpus = new TreeMap<>();
        for (var f : FIELDS.entrySet()) {
            for (RecordedSample s : samples.latest(f.getKey())) {
                if (!"daemon".equals(s.endpoint())) {
                    continue;
                }
                String gpu = s.labels().get("gpu");
                gpus.computeIfAbsent(gpu == null ? "?" : gpu, k -> new LinkedHashMap<>())
                        .put(f.getValue(), s.value());
            }
        }
        if (!gpus.isEmpty()) {
            m.put("gpus", gpus);
        }
        double[] load = host.loadAverage();
        m.put("load_average", List.of(load[0], load[1], load[2]));
        m.put("epoch_ms", System.currentTimeMillis());
        return m;
    }

    /** Per GPU: reason → fraction of samples in [from, to] with it active; reasons never active left out. */
    static Map<String, Map<String, Double>> throttle(SampleView samples, long from, long to) {
        Map<String, Map<String, int[]>> counts = new TreeMap<>();
        for (RecordedSample s : samples.range(CLOCK_EVENTS, from, to)) {
            if (!"daemon".equals(s.endpoint())) {
                continue;
            }
            String gpu = s.labels().get("gpu");
            String reason = s.labels().get("reason");
            int[] c = counts.computeIfAbsent(gpu == null ? "?" : gpu, k -> new TreeMap<>())
                    .computeIfAbsent(reason == null ? "?" : reason, k -> new int[2]);
            c[1]++;
            if (s.value() > 0) {
                c[0]++;
            }
        }
        Map<String, Map<String, Double>> out = new TreeMap<>();
        counts.forEach((gpu, reasons) -> reasons.forEach((reason, c) -> {
            if (c[0] > 0) {
                out.computeIfAbsent(gpu, k -> new TreeMap<>()).put(reason, c[0] / (double) c[1]);
            }
        }));
        return out;
    }
}
