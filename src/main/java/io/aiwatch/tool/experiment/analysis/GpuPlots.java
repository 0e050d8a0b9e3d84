package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.report.Html;
import io.aiwatch.tool.report.Plot;
import io.aiwatch.tool.report.Series;
import java.util.List;
import java.util.Map;

/** The GPU-over-time section of the HTML report: power, temperature and SM clock, throttling shaded. */
final class GpuPlots {
    private GpuPlots() {}

    static void add(Html h, GpuTimeline t, RunData data) {
        h.h2("GPU over the run", "gpu");
        if (t.isEmpty()) {
            h.p("No GPU samples were recorded (no daemon, or a daemon without GPUs).", "muted");
            return;
        }
        long span = 0;
        for (Map<String, List<double[]>> byGpu : t.series().values()) {
            for (List<double[]> pts : byGpu.values()) {
                if (!pts.isEmpty()) {
                    span = Math.max(span, (long) pts.get(pts.size() - 1)[0] - t.startEpochMs());
                }
            }
        }
        boolean minutes = span > 10 * 60_000;
        double div = minutes ? 60_000.0 : 1000.0;
        String unit = minutes ? "min" : "s";
        int shaded = 0;
        for (String[] f : new String[][] {
            {"power", "GPU power", "W"}, {"temperature", "GPU temperature", "°C"}, {"sm_clock", "SM clock", "MHz"}
        }) {
            Map<String, List<double[]>> byGpu = t.series().get(f[0]);
            if (byGpu == null) {
                continue;
            }
            Plot p = Plot.titled(f[1] + " over the run")
                    .x("time since the first sample", unit)
                    .y(f[1], f[2])
                    .logX(false)
                    .logY(false)
                    .zeroY(!f[0].equals("temperature"));
            for (var g : byGpu.entrySet()) {
                double[] x = new double[g.getValue().size()];
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (g.getValue().get(i)[0] - t.startEpochMs()) / div;
                    y[i] = g.getValue().get(i)[1];
                }
                p.add(Series.line("GPU " + g.getKey(), x, y));
            }
            shaded = 0;
            for (var g : t.throttled().entrySet()) {
                for (long[] iv : g.getValue()) {
                    p.shade(
                            (iv[0] - t.startEpochMs()) / div,
                            (iv[1] - t.startEpochMs()) / div,
                            "throttled (power cap, thermal or HW slowdown)");
                    shaded++;
                }
            }
            p.note(data.attempts().size() + " iterations; "
                    + (shaded == 0 ? "no throttling seen" : shaded + " throttled intervals shaded"));
            h.plot(p);
        }
    }
}
