package io.aiwatch.reader.exposition;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import java.math.BigDecimal;
import java.util.List;

/**
 * Writes families in OpenMetrics 1.0.0 text. The caller ends the exposition with {@link #writeEof}.
 *
 * <p>Type mapping, and why:
 * <ul>
 *   <li>A counter family whose name ends in {@code _total} (all of ours, {@code aiwatch_*_total})
 *       is written as OpenMetrics wants it: the family name without {@code _total} on the TYPE and
 *       HELP lines, the samples keep {@code _total}. The sample names, and so the series
 *       Prometheus stores, are the same as in text 0.0.4.</li>
 *   <li>A counter family whose name does not end in {@code _total} (dcgm-exporter's counters such as
 *       {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION} or {@code DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL},
 *       upper-case) cannot be an OpenMetrics counter without renaming its samples to
 *       {@code x_total}, which would break every dashboard and alert written for dcgm-exporter.
 *       It is written as {@code unknown} so the series keeps its exact dcgm-exporter name. This is
 *       what client_golang's {@code MetricFamilyToOpenMetrics} does for such counters too.</li>
 *   <li>A {@code _bucket} sample with an {@link Exemplar} gets it after the value
 *       ({@code x_bucket{le="0.25"} 17 # {trace_id="4bf9..."} 0.213 1764201600.123}); exemplars on
 *       other samples are not written.</li>
 *   <li>Histogram and summary {@code le}/{@code quantile} values are rendered canonically
 *       ({@code 1.0}, {@code 0.001}, {@code 1e+06}, {@code +Inf}) as the spec requires.</li>
 * </ul>
 * HELP text escapes {@code \}, newline and {@code "} (text 0.0.4 does not escape the quote);
 * label values escape the same three characters in both formats.
 */
public final class OpenMetricsFormat {
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TOTAL = "_total";

    private OpenMetricsFormat() {}

    /** Writes one family (TYPE, HELP, samples); nothing for a family without samples. */
    public static void write(StringBuilder out, MetricFamily family) {
        if (family.samples().isEmpty()) {
            return;
        }
        String name = familyName(family);
        out.append("# TYPE ").append(name).append(' ').append(typeWord(family)).append('\n');
        if (!family.help().isEmpty()) {
            out.append("# HELP ").append(name).append(' ');
            ExpositionLabels.escape(out, family.help());
            out.append('\n');
        }
        boolean canonical = family.type() == MetricType.HISTOGRAM || family.type() == MetricType.SUMMARY;
        for (Sample s : family.samples()) {
            writeSample(out, s, canonical);
        }
    }

    /** The mandatory terminator of an OpenMetrics exposition. */
    public static void writeEof(StringBuilder out) {
        out.append("# EOF\n");
    }

    /** A whole exposition of {@code families}, terminated, as UTF-8. */
    public static byte[] render(List<MetricFamily> families) {
        return ContentNegotiation.Format.OPENMETRICS_1_0_0.render(families);
    }

    /** The name on the TYPE/HELP lines: {@code _total} stripped from {@code _total} counters. */
    static String familyName(MetricFamily family) {
        String n = family.name();
        if (family.type() == MetricType.COUNTER && isTotalCounter(n)) {
            return n.substring(0, n.length() - TOTAL.length());
        }
        return n;
    }

    static String typeWord(MetricFamily family) {
        return switch (family.type()) {
            case COUNTER -> isTotalCounter(family.name()) ? "counter" : "unknown";
            case GAUGE -> "gauge";
            case HISTOGRAM -> "histogram";
            case SUMMARY -> "summary";
            case UNKNOWN -> "unknown";
        };
    }

    private static boolean isTotalCounter(String name) {
        return name.endsWith(TOTAL) && name.length() > TOTAL.length();
    }

    private static void writeSample(StringBuilder out, Sample s, boolean canonicalBounds) {
        out.append(s.name());
        ExpositionLabels.write(out, s.labels(), canonicalBounds);
        out.append(' ');
        TextFormat.appendValue(out, s.value());
        if (s.exemplar() != null && s.name().endsWith("_bucket")) {
            writeExemplar(out, s.exemplar());
        }
        out.append('\n');
    }

    /** {@code  # {trace_id="..."} 0.213 1764201600.123}: labels, value, optional timestamp in seconds. */
    private static void writeExemplar(StringBuilder out, Exemplar e) {
        out.append(" # ");
        ExpositionLabels.write(out, e.labels(), false);
        if (e.labels().size() == 0) {
            out.append("{}");
        }
        out.append(' ');
        TextFormat.appendValue(out, e.value());
        if (e.timestamp() != null) {
            long ms = e.timestamp().toEpochMilli();
            out.append(' ').append(Math.floorDiv(ms, 1000)).append('.');
            long frac = Math.floorMod(ms, 1000);
            out.append((char) ('0' + frac / 100))
                    .append((char) ('0' + frac / 10 % 10))
                    .append((char) ('0' + frac % 10));
        }
    }

    /**
     * The spec's canonical number: Go's {@code %g} (shortest digits; exponent form below 1e-4 and
     * from 1e6 on) plus {@code .0} when the result has neither a dot nor an exponent. A value that is
     * not a number is returned unchanged.
     */
    static String canonicalNumber(String value) {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return value;
        }
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        StringBuilder sb = new StringBuilder(24);
        if (d < 0) {
            sb.append('-');
        }
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
            return sb.toString();
        }
        String plain = bd.toPlainString();
        sb.append(plain);
        if (plain.indexOf('.') < 0) {
            sb.append(".0");
        }
        return sb.toString();
    }
}
