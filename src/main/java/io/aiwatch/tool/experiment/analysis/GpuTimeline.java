package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.experiment.RecordedSample;
import io.aiwatch.tool.experiment.run.SampleLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The daemon's GPU readings over the whole run, from the raw samples: power, temperature and SM
 * clock per GPU, and the intervals in which a throttling clock-event reason was active.
 *
 * @param startEpochMs the first sample's time (the plots' zero)
 * @param series       field → GPU → points {epochMs, value}
 * @param throttled    GPU → intervals {fromEpochMs, toEpochMs, reason bits}
 */
public record GpuTimeline(
        long startEpochMs, Map<String, Map<String, List<double[]>>> series, Map<String, List<long[]>> throttled) {

    static final Map<String, String> FIELDS = Map.of(
            "DCGM_FI_DEV_POWER_USAGE", "power",
            "DCGM_FI_DEV_GPU_TEMP", "temperature",
            "DCGM_FI_DEV_SM_CLOCK", "sm_clock");
    /** Reasons that mean the GPU was held back (not idle, not an application-clock setting). */
    static final Set<String> THROTTLE =
            Set.of("power_cap", "hw_slowdown", "sw_thermal", "hw_thermal", "hw_power_brake");

    public static GpuTimeline read(List<Path> sampleFiles) throws IOException {
        Map<String, Map<String, List<double[]>>> series = new TreeMap<>();
        Map<String, TreeMap<Long, Boolean>> active = new TreeMap<>();
        long[] start = {Long.MAX_VALUE};
        for (Path f : sampleFiles) {
            SampleLog.read(f, s -> accept(s, series, active, start));
        }
        Map<String, List<long[]>> throttled = new TreeMap<>();
        active.forEach((gpu, byTime) -> {
            List<long[]> intervals = new ArrayList<>();
            long[] open = null;
            long previous = -1;
            for (var e : byTime.entrySet()) {
                if (e.getValue() && open == null) {
                    open = new long[] {e.getKey(), e.getKey()};
                } else if (!e.getValue() && open != null) {
                    open[1] = e.getKey();
                    intervals.add(open);
                    open = null;
                }
                previous = e.getKey();
            }
            if (open != null) {
                open[1] = previous + 1000;
                intervals.add(open);
            }
            throttled.put(gpu, intervals);
        });
        return new GpuTimeline(start[0] == Long.MAX_VALUE ? 0 : start[0], series, throttled);
    }

    private static void accept(
            RecordedSample s,
            Map<String, Map<String, List<double[]>>> series,
            Map<String, TreeMap<Long, Boolean>> active,
            long[] start) {
        if (!"daemon".equals(s.endpoint())) {
            return;
        }
        String field = FIELDS.get(s.name());
        String gpu = s.labels().get("gpu");
        if (gpu == null) {
            return;
        }
        if (field != null) {
            start[0] = Math.min(start[0], s.epochMs());
            series.computeIfAbsent(field, k -> new TreeMap<>())
                    .computeIfAbsent(gpu, k -> new ArrayList<>())
                    .add(new double[] {s.epochMs(), s.value()});
        } else if (s.name().equals("aiwatch_gpu_clock_event_active")) {
            boolean on = s.value() > 0 && THROTTLE.contains(s.labels().get("reason"));
            active.computeIfAbsent(gpu, k -> new TreeMap<>()).merge(s.epochMs(), on, Boolean::logicalOr);
        }
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }
}
