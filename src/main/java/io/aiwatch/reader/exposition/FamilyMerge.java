package io.aiwatch.reader.exposition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Assembles one exposition from several collectors' rendered families so that each family name
 * appears exactly once: Prometheus rejects a whole scrape that has a second {@code # HELP} or
 * {@code # TYPE} line for a name, or a family whose samples are not contiguous. Two vLLM targets
 * (or {@code --simulate-vllm} beside a target) each produce every {@code aiwatch_inference_*}
 * family; their samples differ by the {@code target} label and are written under the first
 * collector's header, in collector order.
 *
 * <p>A family whose type differs from the first one of its name cannot be merged; it is left out
 * (logged once per name) rather than invalidating the whole scrape. One instance per scrape.
 */
final class FamilyMerge {
    private static final Logger LOG = Logger.getLogger(FamilyMerge.class.getName());

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Set<String> warned;
    private int sampleParts;

    /** @param warned names already logged as type conflicts (shared across scrapes, thread-safe) */
    FamilyMerge(Set<String> warned) {
        this.warned = warned;
    }

    private record Group(RenderedFamily first, String collector, List<byte[]> samples) {}

    /** Adds {@code collector}'s families, in order. */
    void addAll(String collector, List<RenderedFamily> families) {
        for (RenderedFamily f : families) {
            Group g = groups.get(f.name());
            if (g == null) {
                g = new Group(f, collector, new ArrayList<>(2));
                groups.put(f.name(), g);
            } else if (g.first().type() != f.type()) {
                if (warned.add(f.name())) {
                    LOG.warning("family " + f.name() + " of collector " + collector + " is a " + f.type()
                            + " but collector " + g.collector() + " exposes it as a "
                            + g.first().type()
                            + "; the former is left out of /metrics");
                }
                continue;
            }
            g.samples().add(f.samples());
            sampleParts++;
        }
    }

    /** The exposition's parts in order: each family's header once, then all its sample lines. */
    List<byte[]> parts() {
        List<byte[]> parts = new ArrayList<>(groups.size() + sampleParts + 1);
        for (Group g : groups.values()) {
            parts.add(g.first().header());
            parts.addAll(g.samples());
        }
        return parts;
    }
}
