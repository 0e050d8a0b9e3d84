package io.aiwatch.source.storage;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Counts lines or files of procfs/sysfs that could not be parsed, by source file, shared by the
 * storage collectors. A bad line is skipped and counted; the rest of the file is still used. The
 * {@code file} label is the file's kind ({@code diskstats}, {@code mountinfo}, {@code pid/io}), never a
 * per-process path, so it stays bounded. Thread-safe.
 */
public final class ParseErrors {
    private static final Logger LOG = Logger.getLogger(ParseErrors.class.getName());
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** Counts one error in {@code file} and logs the first of each file at INFO, later ones at FINE. */
    public void record(String file, String what) {
        long n = counts.computeIfAbsent(file, k -> new AtomicLong()).incrementAndGet();
        if (n == 1) {
            LOG.info("storage: cannot parse " + file + ": " + what + " (further errors counted in "
                    + "aiwatch_storage_parse_errors_total)");
        } else {
            LOG.fine(() -> "storage: cannot parse " + file + ": " + what);
        }
    }

    public long count(String file) {
        AtomicLong c = counts.get(file);
        return c == null ? 0 : c.get();
    }

    /** {@code aiwatch_storage_parse_errors_total{file}}, sorted by file; empty before the first error. */
    public MetricFamily family() {
        var b = MetricFamily.builder(
                "aiwatch_storage_parse_errors_total",
                MetricType.COUNTER,
                "Lines or files of procfs/sysfs the storage collectors could not parse and skipped, by file.");
        new TreeMap<>(counts).forEach((file, n) -> b.add(Labels.of("file", file), n.get()));
        return b.build();
    }
}
