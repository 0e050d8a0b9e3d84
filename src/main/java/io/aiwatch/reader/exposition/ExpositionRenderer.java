package io.aiwatch.reader.exposition;

import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders the store as text exposition. Each snapshot is rendered once and its bytes cached
 * until the collector publishes the next one, so a scrape costs a few array copies plus the
 * small block of collector self-metrics ({@link CollectorSelfMetrics}, derived from the store's
 * states): scrape latency does not grow with the number of concurrent scrapers or depend on any
 * collector. Everything else, the readers' and the JVM's own metrics included, is a snapshot.
 *
 * <p>A family may come from several collectors: every inference target is its own collector and
 * writes the same {@code aiwatch_inference_*} families, told apart by a {@code target} label.
 * Such a family is written once, with one HELP and TYPE (the first collector's) and the samples
 * of every collector after it, in collector order: Prometheus rejects a whole scrape in which a
 * family's metadata appears twice. Collectors whose families collide with no other's are still
 * written as one cached array.
 */
public final class ExpositionRenderer {
    private final SnapshotStore store;
    private final Map<String, Rendered> cache = new ConcurrentHashMap<>();
    private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.UTF_8);

    /** One family of a snapshot, rendered: its HELP/TYPE lines and its sample lines apart. */
    private record Block(String name, byte[] header, byte[] samples) {}

    /** A snapshot rendered whole ({@code bytes}) and family by family ({@code blocks}). */
    private record Rendered(Snapshot snapshot, byte[] bytes, List<Block> blocks) {}

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
        List<Rendered> fresh = new ArrayList<>(states.size());
        Map<String, Integer> owners = new HashMap<>();
        for (CollectorState s : states) {
            // A stale snapshot is not served as if it were current: its collector shows
            // aiwatch_collector_up 0 and its age instead.
            if (s.last() != null && s.isFresh(now)) {
                Rendered r = rendered(s.name(), s.last().snapshot(), format);
                fresh.add(r);
                for (Block b : r.blocks()) {
                    owners.merge(b.name(), 1, Integer::sum);
                }
            }
        }
        List<byte[]> parts = new ArrayList<>(fresh.size() + 2);
        Set<String> written = new HashSet<>();
        for (int i = 0; i < fresh.size(); i++) {
            Rendered r = fresh.get(i);
            if (r.blocks().stream().allMatch(b -> owners.get(b.name()) == 1)) {
                parts.add(r.bytes());
                continue;
            }
            for (Block b : r.blocks()) {
                if (owners.get(b.name()) == 1) {
                    parts.add(b.header());
                    parts.add(b.samples());
                } else if (written.add(b.name())) {
                    parts.add(b.header());
                    for (Rendered later : fresh.subList(i, fresh.size())) {
                        for (Block other : later.blocks()) {
                            if (other.name().equals(b.name())) {
                                parts.add(other.samples());
                            }
                        }
                    }
                }
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

    private Rendered rendered(String collector, Snapshot snapshot, Format format) {
        String key = collector + "/" + format;
        Rendered r = cache.get(key);
        if (r != null && r.snapshot() == snapshot) {
            return r;
        }
        StringBuilder whole = new StringBuilder(8192);
        List<Block> blocks = new ArrayList<>(snapshot.families().size());
        StringBuilder one = new StringBuilder(1024);
        for (MetricFamily f : snapshot.families()) {
            one.setLength(0);
            format.write(one, f);
            if (one.length() == 0) {
                continue;
            }
            int samplesAt = headerLength(one);
            blocks.add(new Block(
                    f.name(),
                    one.substring(0, samplesAt).getBytes(StandardCharsets.UTF_8),
                    one.substring(samplesAt).getBytes(StandardCharsets.UTF_8)));
            whole.append(one);
        }
        Rendered fresh = new Rendered(snapshot, whole.toString().getBytes(StandardCharsets.UTF_8), List.copyOf(blocks));
        cache.put(key, fresh);
        return fresh;
    }

    /** Length of the leading {@code #} lines (HELP, TYPE) of one rendered family. */
    private static int headerLength(CharSequence family) {
        int at = 0;
        while (at < family.length() && family.charAt(at) == '#') {
            while (at < family.length() && family.charAt(at) != '\n') {
                at++;
            }
            at++;
        }
        return Math.min(at, family.length());
    }
}
