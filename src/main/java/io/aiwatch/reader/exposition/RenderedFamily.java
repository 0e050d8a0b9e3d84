package io.aiwatch.reader.exposition;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.nio.charset.StandardCharsets;

/**
 * One family already written in one format, split into its header ({@code # HELP}/{@code # TYPE}
 * lines) and its sample lines, so that families of the same name from several collectors can be
 * written as one family: one header, then every collector's samples ({@link FamilyMerge}).
 *
 * @param name    the family name
 * @param type    the family type; families of one name must agree on it to be merged
 * @param header  UTF-8 header lines (shared, never modify)
 * @param samples UTF-8 sample lines (shared, never modify)
 */
record RenderedFamily(String name, MetricType type, byte[] header, byte[] samples) {

    /** Splits {@code written} (the output of one {@code Format.write}) at its first sample line. */
    static RenderedFamily split(MetricFamily family, CharSequence written) {
        int at = 0;
        // Header lines start with '#'; sample lines never do (an exemplar's "# {" is mid-line).
        while (at < written.length() && written.charAt(at) == '#') {
            int nl = indexOf(written, '\n', at);
            at = nl < 0 ? written.length() : nl + 1;
        }
        String text = written.toString();
        return new RenderedFamily(
                family.name(),
                family.type(),
                text.substring(0, at).getBytes(StandardCharsets.UTF_8),
                text.substring(at).getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(CharSequence s, char c, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
