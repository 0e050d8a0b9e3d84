package io.aiwatch.source.inference;

import java.util.Locale;

/** Metric family types of the Prometheus text format 0.0.4 and OpenMetrics 1.0. */
public enum PromType {
    COUNTER,
    GAUGE,
    HISTOGRAM,
    GAUGEHISTOGRAM,
    SUMMARY,
    INFO,
    STATESET,
    /** {@code untyped} in 0.0.4, {@code unknown} in OpenMetrics, or no TYPE line at all. */
    UNTYPED;

    /** The type named on a TYPE line, or null when the word is not a type of that format. */
    static PromType fromWord(String word, boolean openMetrics) {
        String w = openMetrics ? word : word.toLowerCase(Locale.ROOT);
        return switch (w) {
            case "counter" -> COUNTER;
            case "gauge" -> GAUGE;
            case "histogram" -> HISTOGRAM;
            case "summary" -> SUMMARY;
            case "untyped" -> openMetrics ? null : UNTYPED;
            case "unknown" -> openMetrics ? UNTYPED : null;
            case "gaugehistogram" -> openMetrics ? GAUGEHISTOGRAM : null;
            case "info" -> openMetrics ? INFO : null;
            case "stateset" -> openMetrics ? STATESET : null;
            default -> null;
        };
    }

    /** Whether a sample called {@code sample} belongs to a family of this type called {@code family}. */
    boolean accepts(String family, String sample, boolean openMetrics) {
        if (sample.equals(family)) {
            return switch (this) {
                case GAUGE, UNTYPED, SUMMARY, STATESET -> true;
                case COUNTER -> !openMetrics;
                default -> false;
            };
        }
        if (!sample.startsWith(family)) {
            return false;
        }
        String suffix = sample.substring(family.length());
        return switch (this) {
            case COUNTER -> suffix.equals("_total") || suffix.equals("_created");
            case HISTOGRAM ->
                suffix.equals("_bucket")
                        || suffix.equals("_sum")
                        || suffix.equals("_count")
                        || suffix.equals("_created");
            case GAUGEHISTOGRAM -> suffix.equals("_bucket") || suffix.equals("_gsum") || suffix.equals("_gcount");
            case SUMMARY -> suffix.equals("_sum") || suffix.equals("_count") || suffix.equals("_created");
            case INFO -> suffix.equals("_info");
            default -> false;
        };
    }
}
