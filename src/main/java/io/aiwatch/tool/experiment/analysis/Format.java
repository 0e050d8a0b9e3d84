package io.aiwatch.tool.experiment.analysis;

import java.util.Locale;

/** Numbers as the reports print them: sensible precision, no exponent for everyday magnitudes. */
public final class Format {
    private Format() {}

    /** Four significant digits, at most three decimals, thousands without separators. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e7 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        int digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
        String s = String.format(Locale.ROOT, "%." + digits + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** "12.3 ± 0.4" (mean ± half the 95 % CI), or just the mean without an interval. */
    public static String meanCi(Summary s) {
        if (s == null || s.n() == 0) {
            return "n/a";
        }
        if (Double.isNaN(s.ciLow())) {
            return number(s.mean());
        }
        return number(s.mean()) + " ± " + number((s.ciHigh() - s.ciLow()) / 2);
    }

    /** "4.1 %". */
    public static String percent(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    /** The unit a metric name's suffix implies, for axis labels and table headers. */
    public static String unit(String metric) {
        if (metric.endsWith("_ms")) {
            return "ms";
        }
        if (metric.endsWith("_s")) {
            return "s";
        }
        if (metric.endsWith("_watts") || metric.endsWith("_w")) {
            return "W";
        }
        if (metric.endsWith("_celsius")) {
            return "°C";
        }
        if (metric.endsWith("_bytes_per_s")) {
            return "B/s";
        }
        if (metric.endsWith("_bytes")) {
            return "B";
        }
        if (metric.endsWith("_joules")) {
            return "J";
        }
        if (metric.endsWith("_ratio")) {
            return "ratio";
        }
        if (metric.endsWith("_mhz")) {
            return "MHz";
        }
        if (metric.equals("request_throughput") || metric.endsWith("request_rate") || metric.endsWith("_per_s")) {
            return metric.contains("token") ? "tok/s" : "req/s";
        }
        if (metric.endsWith("_throughput")) {
            return "tok/s";
        }
        return "";
    }
}
