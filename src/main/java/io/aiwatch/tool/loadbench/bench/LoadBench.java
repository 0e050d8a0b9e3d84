package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.tool.loadbench.BlockDevices;
import io.aiwatch.tool.loadbench.Destination;
import io.aiwatch.tool.loadbench.DiscardDestination;
import io.aiwatch.tool.loadbench.ModelLoader;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.SafetensorsHeader;
import io.aiwatch.tool.loadbench.SyntheticModel;
import io.aiwatch.tool.loadbench.bench.BenchPlan.Cache;
import io.aiwatch.tool.loadbench.bench.BenchReport.Run;
import io.aiwatch.tool.loadbench.bench.BenchReport.TierOutcome;
import io.aiwatch.tool.loadbench.tier.Cleanup;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import io.aiwatch.tool.loadbench.tier.Tiers;
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
 * in each cache state, aiwatch and fio alternating (aiwatch first in odd iterations, fio first in
 * even ones, so that drift on a shared machine falls on both alike), then the random-read
 * patterns the same way. Each run records the machine's load and what the daemon's storage
 * collectors saw. A tier is taken down before the next is made.
 */
public final class LoadBench {
    private final BenchPlan plan;
    private final Commands commands;
    private final Fio fio;
    private final Consumer<String> log;
    private final PageCache cache = new PageCache();
    private final HostLoad host = new HostLoad();
    private final DaemonObserver daemon = new DaemonObserver();
    private final BlockDevices blockDevices = new BlockDevices();
    private final List<Run> runs = new ArrayList<>();
    private final List<String> negatives = new ArrayList<>();
    private String fioVersion = "not run";

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
        fioVersion = plan.fio() ? fio.version() : "not run";
        Map<String, String> env;
        List<TierOutcome> tiers = new ArrayList<>();
        try (Destination dest = plan.destination().get()) {
            env = environment(dest.name());
            env.put("nice", Integer.toString(nice));
            if (plan.file() != null) {
                SafetensorsHeader header = SafetensorsHeader.read(plan.file());
                String fs = new Tiers(target, commands, new Cleanup())
                        .fsType(plan.file().toRealPath());
                tiers.add(runTier("given", fs, "file in place", plan.file(), header, dest));
            } else {
                for (String name : plan.tiers()) {
                    tiers.add(makeAndRun(target, name, dest));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("destination failed: " + e, e);
        }
        return new BenchReport(env, tiers, runs, BenchReport.compare(runs), negatives);
    }

    private TierOutcome makeAndRun(SafeTarget target, String name, Destination dest)
            throws IOException, InterruptedException {
        try (Cleanup cleanup = new Cleanup()) {
            Tiers.Tier tier = new Tiers(target, commands, cleanup).create(name, plan.syntheticBytes());
            if (!tier.available()) {
                negatives.add("tier " + name + ": " + tier.unavailable());
                log.accept("tier " + name + " unavailable: " + tier.unavailable());
                return new TierOutcome(name, "", "", "", 0, List.of(), "", tier.unavailable());
            }
            Path file = target.resolve(target.root()
                    .relativize(tier.dir().resolve("model.safetensors"))
                    .toString());
            SafetensorsHeader header;
            try {
                SafeTarget.requireSpace(tier.dir(), plan.syntheticBytes(), "the synthetic file on " + name);
                cleanup.push("delete " + file, () -> Files.deleteIfExists(file));
                log.accept(
                        "tier " + name + " (" + tier.setup() + "): writing " + SafeTarget.human(plan.syntheticBytes()));
                header = SyntheticModel.write(file, plan.syntheticBytes(), plan.seed());
            } catch (IOException e) {
                negatives.add("tier " + name + ": " + e.getMessage());
                log.accept("tier " + name + " unusable: " + e.getMessage());
                return new TierOutcome(name, tier.fsType(), tier.setup(), "", 0, List.of(), "", e.getMessage());
            }
            TierOutcome out = runTier(name, tier.fsType(), tier.setup(), file, header, dest);
            List<String> failed = cleanup.runAll();
            failed.forEach(f -> negatives.add("cleanup of tier " + name + " failed: " + f));
            return out;
        }
    }

    private TierOutcome runTier(
            String tier, String fsType, String setup, Path file, SafetensorsHeader header, Destination dest)
            throws IOException, InterruptedException {
        List<String> devices = blockDevices.of(file);
        DaemonObserver.Mark now = daemon.mark();
        String deviceClass = devices.isEmpty() ? "memory" : now.classes().getOrDefault(devices.get(0), "unknown");
        TierOutcome outcome =
                new TierOutcome(tier, fsType, setup, file.toString(), header.fileBytes(), devices, deviceClass, null);
        for (Cache c : plan.caches()) {
            if (c == Cache.COLD) {
                PageCache.Drop d = cache.drop(file, plan.drop());
                if (d.residentRatio() > 0.01) {
                    negatives.add(String.format(
                            Locale.ROOT,
                            "tier %s: no cold runs: %.0f %% of the file stays in memory after %s (%s)",
                            tier,
                            100 * d.residentRatio(),
                            plan.drop().name().toLowerCase(Locale.ROOT),
                            fsType.equals("tmpfs") ? "tmpfs pages are the storage" : fsType));
                    continue;
                }
            }
            for (ReadMethod m : plan.methods()) {
                for (int readers : plan.readers()) {
                    try {
                        loadConfig(tier, file, header, devices, c, m, readers, dest);
                    } catch (IOException e) {
                        negatives.add("tier " + tier + ": " + m.label() + " x" + readers + " " + c.label() + ": "
                                + e.getMessage());
                        log.accept("failed: " + e.getMessage());
                    }
                }
            }
        }
        for (RandomReads.Case rc : plan.random()) {
            try {
                randomCase(tier, file, header, devices, rc);
            } catch (IOException e) {
                negatives.add("tier " + tier + ": random " + rc.label() + ": " + e.getMessage());
                log.accept("failed: " + e.getMessage());
            }
        }
        return outcome;
    }

    private void loadConfig(
            String tier,
            Path file,
            SafetensorsHeader header,
            List<String> devices,
            Cache c,
            ReadMethod m,
            int readers,
            Destination dest)
            throws IOException, InterruptedException {
        String config = m.label() + " x" + readers + " " + blockLabel(plan.blockBytes());
        int passes = 1;
        if (c == Cache.WARM) {
            // Bring the file in, then size the run so it lasts warmSeconds (fio's runtime is in whole ms).
            ModelLoader.load(file, header, ReadMethod.BUFFERED, 1, 1 << 20, new DiscardDestination());
            ModelLoader.Timing probe = ModelLoader.load(file, header, m, readers, plan.blockBytes(), dest);
            passes = (int) Math.max(1, Math.ceil(plan.warmSeconds() * 1e9 / Math.max(1, probe.nanos())));
        }
        ModelLoader.Extent extent = ModelLoader.Extent.of(header, readers, plan.blockBytes());
        FioJob twin = FioJob.sequential(file, m, extent, plan.blockBytes(), passes);
        boolean withFio = plan.fio() && twin.feasible(fioVersion);
        if (plan.fio() && !withFio) {
            String why = tier + ": no fio twin for " + config + " " + c.label() + ": " + fioVersion
                    + "'s mmap engine ignores offset (axboe/fio#2017), its jobs would read the start of the file";
            if (!negatives.contains(why)) {
                negatives.add(why);
            }
        }
        for (int it = 1; it <= plan.iterations(); it++) {
            for (String tool : order(it, withFio)) {
                long resident = prepare(file, c);
                HostLoad.Sample s0 = host.sample();
                DaemonObserver.Mark mark = daemon.mark();
                long bytes;
                double seconds;
                Map<String, Double> extra = Map.of();
                if (tool.equals("aiwatch")) {
                    ModelLoader.Timing t = ModelLoader.load(file, header, m, readers, plan.blockBytes(), passes, dest);
                    bytes = t.bytes();
                    seconds = t.nanos() / 1e9;
                    extra = dest.figures();
                } else {
                    Fio.Result f = fio.run(twin);
                    bytes = f.ioBytes();
                    seconds = f.runtimeMillis() / 1e3;
                }
                DaemonObserver.Seen seen = daemon.since(mark, devices);
                HostLoad.Sample s1 = host.sample();
                Run r = new Run(
                        tier,
                        "load",
                        config,
                        c.label(),
                        it,
                        tool,
                        bytes,
                        seconds,
                        seconds == 0 ? 0 : bytes / seconds,
                        seconds == 0 ? 0 : Math.ceil((double) bytes / plan.blockBytes()) / seconds,
                        List.of(),
                        passes,
                        resident,
                        s0.loadAverage1m(),
                        HostLoad.busyFraction(s0, s1),
                        seen,
                        tool.equals("aiwatch") ? dest.name() : "fio",
                        extra);
                runs.add(r);
                log.accept(String.format(
                        Locale.ROOT,
                        "%s %s %s %s #%d %-7s %8.1f MB/s  (load %.1f, cpu %.0f %%)",
                        tier,
                        "load",
                        config,
                        c.label(),
                        it,
                        tool,
                        r.bytesPerSecond() / 1e6,
                        r.loadAverage1m(),
                        100 * r.cpuBusy()));
            }
        }
    }

    private void randomCase(String tier, Path file, SafetensorsHeader header, List<String> devices, RandomReads.Case rc)
            throws IOException, InterruptedException {
        Cache c = Cache.COLD;
        for (int it = 1; it <= plan.iterations(); it++) {
            for (String tool : order(it, plan.fio())) {
                long resident = prepare(file, c);
                HostLoad.Sample s0 = host.sample();
                DaemonObserver.Mark mark = daemon.mark();
                long bytes;
                double seconds;
                List<Double> lat;
                double iops;
                if (tool.equals("aiwatch")) {
                    RandomReads.Result res =
                            RandomReads.run(file, rc, header.fileBytes(), plan.seed() + it, plan.randomSeconds());
                    bytes = res.bytes();
                    seconds = res.nanos() / 1e9;
                    iops = res.iops();
                    lat = List.of(
                            res.latencySeconds(50) * 1e3,
                            res.latencySeconds(90) * 1e3,
                            res.latencySeconds(99) * 1e3,
                            res.latencySeconds(99.9) * 1e3);
                } else {
                    Fio.Result f = fio.run(FioJob.random(file, rc, header.fileBytes(), plan.randomSeconds()));
                    bytes = f.ioBytes();
                    seconds = f.runtimeMillis() / 1e3;
                    iops = f.iops();
                    lat = List.of(
                            f.latP50Nanos() / 1e6,
                            f.latP90Nanos() / 1e6,
                            f.latP99Nanos() / 1e6,
                            f.latP999Nanos() / 1e6);
                }
                DaemonObserver.Seen seen = daemon.since(mark, devices);
                HostLoad.Sample s1 = host.sample();
                Run r = new Run(
                        tier,
                        "random",
                        rc.label(),
                        rc.direct() ? "direct" : c.label(),
                        it,
                        tool,
                        bytes,
                        seconds,
                        seconds == 0 ? 0 : bytes / seconds,
                        iops,
                        lat,
                        1,
                        resident,
                        s0.loadAverage1m(),
                        HostLoad.busyFraction(s0, s1),
                        seen,
                        tool.equals("aiwatch") ? "discard" : "fio",
                        Map.of());
                runs.add(r);
                log.accept(String.format(
                        Locale.ROOT,
                        "%s random %s #%d %-7s %8.0f IOPS p50 %.3f ms p99 %.3f ms",
                        tier,
                        rc.label(),
                        it,
                        tool,
                        iops,
                        lat.get(0),
                        lat.get(2)));
            }
        }
    }

    /** Cold: drop the file's pages; warm: leave them. Returns the bytes resident when the run starts. */
    private long prepare(Path file, Cache c) throws IOException {
        return cache.drop(file, c == Cache.COLD ? plan.drop() : PageCache.DropMethod.NONE)
                .residentAfter();
    }

    private static List<String> order(int iteration, boolean fio) {
        if (!fio) {
            return List.of("aiwatch");
        }
        return iteration % 2 == 1 ? List.of("aiwatch", "fio") : List.of("fio", "aiwatch");
    }

    static String blockLabel(int bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + "MiB" : (bytes >> 10) + "KiB";
    }

    private Map<String, String> environment(String destination) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", Instant.now().toString());
        env.put("host", read("/proc/sys/kernel/hostname"));
        env.put("kernel", read("/proc/sys/kernel/osrelease"));
        env.put("cpus", Integer.toString(HostLoad.cpus()));
        env.put("java", System.getProperty("java.version"));
        env.put("fio", fioVersion);
        env.put(
                "load_average_1m_at_start",
                String.format(Locale.ROOT, "%.2f", host.sample().loadAverage1m()));
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
