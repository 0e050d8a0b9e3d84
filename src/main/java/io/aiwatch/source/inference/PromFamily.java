package io.aiwatch.source.inference;

import java.util.List;

/**
 * One parsed metric family.
 *
 * @param name    family name as written on its metadata lines (0.0.4 counters keep {@code _total};
 *                OpenMetrics counters do not); for samples without metadata, the sample name
 * @param type    declared type, {@link PromType#UNTYPED} without a TYPE line
 * @param help    unescaped HELP text, or "" when absent
 * @param unit    OpenMetrics UNIT, or "" when absent
 * @param samples samples in exposition order
 */
public record PromFamily(String name, PromType type, String help, String unit, List<PromSample> samples) {
    public PromFamily {
        samples = List.copyOf(samples);
    }
}
