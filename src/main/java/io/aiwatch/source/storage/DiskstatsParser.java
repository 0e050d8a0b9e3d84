package io.aiwatch.source.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/diskstats}. Accepts the three kernel formats (14, 18 and 20 fields per line)
 * and lines with more fields than 20 (a future kernel), using the first 20. A line with another
 * field count or a non-numeric value is skipped and counted in {@link ParseErrors} under
 * {@code diskstats}; the other lines are still returned.
 */
public final class DiskstatsParser {
    static final String FILE = "diskstats";

    private DiskstatsParser() {}

    public static List<DiskStats> parse(String text, ParseErrors errors) {
        List<DiskStats> result = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] f = trimmed.split("\\s+");
            int n = Math.min(f.length, 20);
            if (n != 14 && n != 18 && n != 20) {
                errors.record(FILE, "line " + lineNo + ": " + f.length + " fields, expected 14, 18 or 20");
                continue;
            }
            try {
                long[] v = new long[17];
                for (int i = 0; i < 17; i++) {
                    v[i] = i + 3 < n ? Long.parseUnsignedLong(f[i + 3]) : -1;
                }
                result.add(new DiskStats(
                        Integer.parseInt(f[0]),
                        Integer.parseInt(f[1]),
                        f[2],
                        n,
                        v[0],
                        v[1],
                        v[2],
                        v[3],
                        v[4],
                        v[5],
                        v[6],
                        v[7],
                        v[8],
                        v[9],
                        v[10],
                        v[11],
                        v[12],
                        v[13],
                        v[14],
                        v[15],
                        v[16]));
            } catch (NumberFormatException e) {
                errors.record(FILE, "line " + lineNo + ": not a number: " + e.getMessage());
            }
        }
        return result;
    }
}
