package io.aiwatch.tool.loadbench.experiment;

import io.aiwatch.tool.loadbench.bench.DaemonObserver;
import io.aiwatch.tool.loadbench.bench.TierFile;
import io.aiwatch.tool.loadbench.tier.Cleanup;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tiers and model files of an experiment run, made on first use and kept for the rest of the
 * run (writing a model file and making an XFS take longer than one iteration should), so that the
 * page-cache condition can empty a file before the iteration that reads it. Each (directory, tier,
 * size, seed) gets its own sub-directory. Everything is undone when the JVM exits (the run's end,
 * Ctrl-C) through each entry's {@link Cleanup} shutdown hook, or by {@link #closeAll}. A tier that
 * cannot be made is remembered with its reason, so every iteration of its steps fails at once with it.
 */
public final class TierPool {
    private static final Map<String, Object> ENTRIES = new HashMap<>();
    private static final List<Cleanup> CLEANUPS = new ArrayList<>();
    private static Commands commands = Commands.system();

    private TierPool() {}

    /** The model file of {@code size} bytes on {@code tier} under {@code dir} (created if missing). */
    public static synchronized TierFile get(Path dir, String tier, long size, long seed, Consumer<String> log)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path root = dir.toRealPath();
        String key = root + "|" + tier + "|" + size + "|" + seed;
        Object known = ENTRIES.get(key);
        if (known instanceof TierFile tf) {
            return tf;
        }
        if (known instanceof String reason) {
            throw new TierFile.Unavailable(reason);
        }
        Path sub = root.resolve(tier + "-" + size + "-" + seed);
        Files.createDirectories(sub);
        Cleanup cleanup = new Cleanup();
        CLEANUPS.add(cleanup);
        cleanup.push("remove " + sub, () -> Files.deleteIfExists(sub));
        try {
            TierFile tf = TierFile.prepare(
                    new SafeTarget(sub), commands, cleanup, tier, size, seed, new DaemonObserver(), log);
            ENTRIES.put(key, tf);
            return tf;
        } catch (TierFile.Unavailable e) {
            ENTRIES.put(key, e.getMessage());
            cleanup.runAll();
            throw e;
        }
    }

    /** Undoes every tier made so far (tests; the shutdown hooks do it at exit otherwise). */
    public static synchronized List<String> closeAll() {
        List<String> failures = new ArrayList<>();
        for (int i = CLEANUPS.size() - 1; i >= 0; i--) {
            failures.addAll(CLEANUPS.get(i).runAll());
            CLEANUPS.get(i).close();
        }
        CLEANUPS.clear();
        ENTRIES.clear();
        return failures;
    }

    /** Replaces the system tools (tests). */
    static synchronized void useCommands(Commands c) {
        commands = c;
    }
}
