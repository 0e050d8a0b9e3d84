package io.aiwatch.source.inference;

import io.aiwatch.collect.Collector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the inference collectors from the config: one {@link VllmCollector} per target. */
public final class InferenceCollectors {
    private InferenceCollectors() {}

    public static List<Collector> create(InferenceConfig config, Clock clock) {
        List<Collector> collectors = new ArrayList<>();
        for (InferenceConfig.Target t : config.targets()) {
            collectors.add(new VllmCollector(t, config.budgetPerTarget(), clock));
        }
        return List.copyOf(collectors);
    }
}
