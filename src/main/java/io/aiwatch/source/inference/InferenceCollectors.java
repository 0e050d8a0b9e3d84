package io.aiwatch.source.inference;

import io.aiwatch.collect.Collector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the inference collectors from the config: one {@link VllmCollector} per target. */
public final class InferenceCollectors {
    /**
     * Series one target's scrape may hold. A vLLM exposition has a few thousand series (histograms
     * times models); a parsed series costs roughly 150-250 bytes of heap.
     */
    public static final int MAX_SERIES_PER_TARGET = 20_000;

    /**
     * Series all targets together may hold at once, so that many targets cannot exhaust the
     * launcher's 96 MiB heap either: each target gets {@code min(MAX_SERIES_PER_TARGET, this / targets)}.
     */
    public static final int MAX_SERIES_TOTAL = 60_000;

    private InferenceCollectors() {}

    /** The series budget of each of {@code targets} targets. */
    public static int seriesPerTarget(int targets) {
        return Math.max(1, Math.min(MAX_SERIES_PER_TARGET, MAX_SERIES_TOTAL / Math.max(1, targets)));
    }

    public static List<Collector> create(InferenceConfig config, Clock clock) {
        List<Collector> collectors = new ArrayList<>();
        int budget = seriesPerTarget(config.targets().size());
        for (InferenceConfig.Target t : config.targets()) {
            collectors.add(new VllmCollector(t, clock, budget));
        }
        return List.copyOf(collectors);
    }
}
