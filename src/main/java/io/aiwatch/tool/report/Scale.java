package io.aiwatch.tool.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear or logarithmic mapping from data values to a pixel range, with "nice" ticks: 1-2-5
 * steps on a linear axis, decades (and 2 and 5 between them when there are few decades) on a
 * logarithmic one.
 */
public final class Scale {
    private final double min;
    private final double max;
    private final boolean log;
    private final double from;
    private final double to;

    private Scale(double min, double max, boolean log, double from, double to) {
        this.min = min;
        this.max = max;
        this.log = log;
        this.from = from;
        this.to = to;
    }

    /**
     * A scale over [lo, hi] (widened to nice ends) mapped onto pixels [from, to].
     *
     * @param log use a logarithmic axis (needs lo > 0)
     * @param zero include zero (linear only; for quantities whose zero matters)
     */
    public static Scale of(double lo, double hi, boolean log, boolean zero, double from, double to) {
        if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            lo = log ? 1 : 0;
            hi = log ? 10 : 1;
        }
        if (log) {
            double a = Math.pow(10, Math.floor(Math.log10(lo)));
            double b = Math.pow(10, Math.ceil(Math.log10(hi)));
            if (b <= a) {
                b = a * 10;
            }
            return new Scale(a, b, true, from, to);
        }
        if (zero) {
            lo = Math.min(0, lo);
            hi = Math.max(0, hi);
        }
        if (hi == lo) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / 5);
        return new Scale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, false, from, to);
    }

    /** Whether values spanning [lo, hi] are better shown on a log axis: positive and spanning a factor of 20 or more. */
    public static boolean wantsLog(double lo, double hi) {
        return lo > 0 && hi / lo >= 20;
    }

    static double niceStep(double rough) {
        if (!(rough > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / p;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public boolean log() {
        return log;
    }

    /** The pixel of value {@code v} (clamped to the axis ends). */
    public double map(double v) {
        double f;
        if (log) {
            double x = Math.max(v, min);
            f = (Math.log10(x) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        } else {
            f = (v - min) / (max - min);
        }
        f = Math.max(0, Math.min(1, f));
        return from + f * (to - from);
    }

    /** Values where ticks go (with labels). */
    public List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        if (log) {
            int decades = (int) Math.round(Math.log10(max / min));
            for (double d = min; d <= max * 1.0001; d *= 10) {
                out.add(d);
                if (decades <= 3 && d * 2 < max) {
                    out.add(d * 2);
                    out.add(d * 5);
                }
            }
            out.removeIf(v -> v > max * 1.0001);
            return out;
        }
        double step = niceStep((max - min) / 5);
        for (double v = min; v <= max + step * 1e-9; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return out;
    }

    /** A tick label: compact, with k/M for thousands and millions. */
    public static String label(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e4) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(java.util.Locale.ROOT, "%.4g", v);
        if (s.contains("e")) {
            return s;
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
