package io.aiwatch.tool.experiment;

import java.nio.file.Path;
import java.util.Map;

/** What a {@link Condition} sees. */
public interface ConditionContext {
    /** The daemon's samples recorded so far. */
    SampleView samples();

    /** The parameters of the step about to run (e.g. the file a storage step reads). */
    Parameters stepParameters();

    /** The run's directory. */
    Path runDirectory();

    /**
     * Values this condition keeps across the run (and across {@code --resume}): strings by key,
     * saved in the run's manifest. Keys are private to the condition (the runner prefixes them).
     */
    Map<String, String> state();
}
