package io.aiwatch.reader.exposition;

import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders the store as text exposition. Each snapshot is rendered once and its bytes cached
 * until the collector publishes the next one, so a scrape costs a few array copies plus the
 * small block of collector self-metrics ({@link CollectorSelfMetrics}, derived from the store's
 * states): scrape latency does not grow with the number of concurrent scrapers or depend on any
 * collector. Everything else, the readers' and the JVM's own metrics included, is a snapshot.
 */
public final class ExpositionRenderer {
    private final SnapshotStore store;
    private final Map<String, Rendered> cache = new ConcurrentHashMap<>();
    private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.UTF_8);

    private record Rendered(Snapshot snapshot, byte[] bytes) {}

    public ExpositionRenderer(SnapshotStore store) {
        this.store = store;
    }

    /** The whole exposition in text format 0.0.4, UTF-8. */
    public byte[] render() {
        return render(Format.TEXT_0_0_4);
    }

    /** The whole exposition in {@code format}, UTF-8. */
    public byte[] render(Format format) {
        List<byte[]> parts = renderParts(format);
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * The exposition as a list of byte arrays to be written in order. All but the small
     * self-metrics part are shared cached arrays (never modify them): a scrape writes them
     * straight to the socket without concatenating, so it allocates a few kilobytes, not the
     * whole body twice.
     */
    public List<byte[]> renderParts(Format format) {
        Instant now = store.now();
        List<CollectorState> states = store.states();
        List<byte[]> parts = new ArrayList<>(states.size() + 2);
        for (CollectorState s : states) {
            // A stale snapshot is not served as if it were current: its collector shows
            // aiwatch_collector_up 0 and its age instead.
            if (s.last() != null && s.isFresh(now)) {
                parts.add(renderedBytes(s.name(), s.last().snapshot(), format));
            }
        }
        StringBuilder tail = new StringBuilder(4096);
        for (MetricFamily f : CollectorSelfMetrics.families(states, now)) {
            format.write(tail, f);
        }
        parts.add(tail.toString().getBytes(StandardCharsets.UTF_8));
        if (format == Format.OPENMETRICS_1_0_0) {
            parts.add(EOF);
        }
        return parts;
    }

    private byte[] renderedBytes(String collector, Snapshot snapshot, Format format) {
        String key = collector + "/" + format;
        Rendered r = cache.get(key);
        if (r != null && r.snapshot() == snapshot) {
            return r.bytes();
        }
        StringBuilder sb = new StringBuilder(8192);
        for (MetricFamily f : snapshot.families()) {
            format.write(sb, f);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        cache.put(key, new Rendered(snapshot, bytes));
        return bytes;
    }
}
