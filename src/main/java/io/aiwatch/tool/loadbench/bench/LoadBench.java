package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.tool.loadbench.Destination;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.bench.BenchPlan.Cache;
import io.aiwatch.tool.loadbench.bench.BenchReport.Run;
import io.aiwatch.tool.loadbench.bench.BenchReport.TierOutcome;
import io.aiwatch.tool.loadbench.tier.Cleanup;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link BenchPlan}: per tier, makes the tier and its file, then every load configuration
 * in each cache state and every random-read pattern, each iteration a {@link Trial} (aiwatch and
 * fio alternating). A tier is taken down before the next is made.
 */
public final class LoadBench {
    private final BenchPlan plan;
    private final Commands commands;
    private final Fio fio;
    private final Consumer<String> log;
    private final DaemonObserver daemon = new DaemonObserver();
    private final List<Run> runs = new ArrayList<>();
    private final List<String> negatives = new ArrayList<>();

    public LoadBench(BenchPlan plan, Commands commands, Fio fio, Consumer<String> log) {
        this.plan = plan;
        this.commands = commands;
        this.fio = fio;
        this.log = log;
    }

    /**
     * Runs the plan on the calling thread. Its nice value is set to the plan's first: reader threads
     * and fio processes started from it inherit it, so both tools run at the same priority.
     */
    public BenchReport run() throws IOException, InterruptedException {
        SafeTarget target = new SafeTarget(plan.dir());
        int nice = plan.nice() == 0 ? ThreadPriority.current() : ThreadPriority.set(plan.nice());
        Trial trial = new Trial(
                new Trial.Settings(
                        plan.blockBytes(), plan.drop(), plan.warmSeconds(), plan.randomSeconds(), plan.seed()),
                plan.fio() ? fio : null,
                daemon,
                log);
        Map<String, String> env;
        List<TierOutcome> tiers = new ArrayList<>();
        try (Destination dest = plan.destination().get()) {
            env = environment(dest.name(), trial.fioVersion());
            env.put("nice", Integer.toString(nice));
            String blind = daemon.mark().problem();
            if (blind != null) {
                negatives.add("what the daemon saw: nothing here, its storage collectors failed: " + blind);
            }
            if (plan.file() != null) {
                TierFile tf = TierFile.inPlace(plan.file(), target, commands, daemon);
                runTier(trial, tf, dest);
                tiers.add(tf.outcome());
            } else {
                for (String name : plan.tiers()) {
                    tiers.add(makeAndRun(trial, target, name, dest));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("destination failed: " + e, e);
        }
        return new BenchReport(env, tiers, runs, BenchReport.compare(runs), negatives);
    }

    private TierOutcome makeAndRun(Trial trial, SafeTarget target, String name, Destination dest)
            throws IOException, InterruptedException {
        try (Cleanup cleanup = new Cleanup()) {
            TierFile tf;
            try {
                tf = TierFile.prepare(target, commands, cleanup, name, plan.syntheticBytes(), plan.seed(), daemon, log);
            } catch (TierFile.Unavailable e) {
                negatives.add(e.getMessage());
                log.accept(e.getMessage());
                return new TierOutcome(name, "", "", "", 0, List.of(), "", e.getMessage());
            }
            runTier(trial, tf, dest);
            cleanup.runAll().forEach(f -> negatives.add("cleanup of tier " + name + " failed: " + f));
            return tf.outcome();
        }
    }

    private void runTier(Trial trial, TierFile tf, Destination dest) throws IOException, InterruptedException {
        for (Cache c : plan.caches()) {
            if (c == Cache.COLD) {
                String why = trial.coldUnreachable(tf);
                if (why != null) {
                    negatives.add("tier " + tf.tier() + ": no cold runs: " + why);
                    continue;
                }
            }
            for (ReadMethod m : plan.methods()) {
                for (int readers : plan.readers()) {
                    String noTwin = trial.noFioTwin(tf, m, readers);
                    String twinNote =
                            "tier " + tf.tier() + ": no fio twin for " + trial.label(m, readers) + ": " + noTwin;
                    if (noTwin != null && !negatives.contains(twinNote)) {
                        negatives.add(twinNote);
                    }
                    for (int it = 1; it <= plan.iterations(); it++) {
                        try {
                            runs.addAll(trial.load(tf, c, m, readers, it, dest));
                        } catch (IOException e) {
                            negatives.add("tier " + tf.tier() + ": " + trial.label(m, readers) + " " + c.label() + ": "
                                    + e.getMessage());
                            log.accept("failed: " + e.getMessage());
                            break;
                        }
                    }
                }
            }
        }
        for (RandomReads.Case rc : plan.random()) {
            for (int it = 1; it <= plan.iterations(); it++) {
                try {
                    runs.addAll(trial.random(tf, rc, it, null));
                } catch (IOException e) {
                    negatives.add("tier " + tf.tier() + ": random " + rc.label() + ": " + e.getMessage());
                    log.accept("failed: " + e.getMessage());
                    break;
                }
            }
        }
    }

    private Map<String, String> environment(String destination, String fioVersion) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", Instant.now().toString());
        env.put("host", read("/proc/sys/kernel/hostname"));
        env.put("kernel", read("/proc/sys/kernel/osrelease"));
        env.put("cpus", Integer.toString(HostLoad.cpus()));
        env.put("java", System.getProperty("java.version"));
        env.put("fio", fioVersion);
        env.put(
                "load_average_1m_at_start",
                String.format(Locale.ROOT, "%.2f", new HostLoad().sample().loadAverage1m()));
        env.put("cache_drop", plan.drop().name().toLowerCase(Locale.ROOT));
        env.put("destination", destination);
        return env;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
