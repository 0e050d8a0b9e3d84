package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.tool.loadbench.Destination;
import io.aiwatch.tool.loadbench.DiscardDestination;
import io.aiwatch.tool.loadbench.ModelLoader;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.bench.BenchPlan.Cache;
import io.aiwatch.tool.loadbench.bench.BenchReport.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One iteration of one configuration: aiwatch and its fio twin on the same file from the same
 * cache state, aiwatch first in odd iterations and fio first in even ones (drift on a shared
 * machine then falls on both alike). Each run records the machine's load and what the daemon's
 * storage collectors saw. Used by {@link LoadBench} and by the experiment workloads.
 */
public final class Trial {
    /**
     * Settings shared by every run.
     *
     * @param blockBytes    bytes per read of the loader
     * @param drop          how a cold run empties the cache
     * @param warmSeconds   a warm run lasts at least this long (passes over the file)
     * @param randomSeconds longest random-read run
     * @param seed          seed of the random offsets
     */
    public record Settings(
            int blockBytes, PageCache.DropMethod drop, double warmSeconds, double randomSeconds, long seed) {}

    private final Settings settings;
    private final Fio fio;
    private final String fioVersion;
    private final DaemonObserver daemon;
    private final Consumer<String> log;
    private final PageCache cache = new PageCache();
    private final HostLoad host = new HostLoad();

    /** @param fio null to run aiwatch alone */
    public Trial(Settings settings, Fio fio, DaemonObserver daemon, Consumer<String> log)
            throws IOException, InterruptedException {
        this.settings = settings;
        this.fio = fio;
        this.fioVersion = fio == null ? "not run" : fio.version();
        this.daemon = daemon;
        this.log = log;
    }

    public String fioVersion() {
        return fioVersion;
    }

    /** Why a cold run cannot be had on this file (it stays resident after the drop), or null. */
    public String coldUnreachable(TierFile tf) throws IOException {
        PageCache.Drop d = cache.drop(tf.file(), settings.drop());
        if (d.residentRatio() <= 0.01) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "%.0f %% of the file stays in memory after %s (%s)",
                100 * d.residentRatio(),
                settings.drop().name().toLowerCase(Locale.ROOT),
                tf.fsType().equals("tmpfs") ? "tmpfs pages are the storage" : tf.fsType());
    }

    /** Why fio cannot make the loader's reads for this configuration, or null (also null without fio). */
    public String noFioTwin(TierFile tf, ReadMethod m, int readers) {
        if (fio == null) {
            return null;
        }
        FioJob twin = FioJob.sequential(
                tf.file(),
                m,
                ModelLoader.Extent.of(tf.header(), readers, settings.blockBytes()),
                settings.blockBytes(),
                1);
        return twin.feasible(fioVersion)
                ? null
                : fioVersion
                        + "'s mmap engine ignores offset (axboe/fio#2017): its jobs would read the start of the file";
    }

    /** Label of a load configuration: {@code direct x4 1MiB}. */
    public String label(ReadMethod m, int readers) {
        int b = settings.blockBytes();
        return m.label() + " x" + readers + " " + (b % (1 << 20) == 0 ? (b >> 20) + "MiB" : (b >> 10) + "KiB");
    }

    /** Loads the file with {@code m} and {@code readers} from cache state {@code c}, beside fio where it can. */
    public List<Run> load(TierFile tf, Cache c, ReadMethod m, int readers, int iteration, Destination dest)
            throws IOException, InterruptedException {
        int passes = 1;
        if (c == Cache.WARM) {
            // Bring the file in, then size the run so it lasts warmSeconds (fio's runtime is in whole ms).
            ModelLoader.load(tf.file(), tf.header(), ReadMethod.BUFFERED, 1, 1 << 20, new DiscardDestination());
            ModelLoader.Timing probe =
                    ModelLoader.load(tf.file(), tf.header(), m, readers, settings.blockBytes(), dest);
            passes = (int) Math.max(1, Math.ceil(settings.warmSeconds() * 1e9 / Math.max(1, probe.nanos())));
        }
        ModelLoader.Extent extent = ModelLoader.Extent.of(tf.header(), readers, settings.blockBytes());
        FioJob twin = FioJob.sequential(tf.file(), m, extent, settings.blockBytes(), passes);
        List<Run> out = new ArrayList<>();
        for (String tool : order(iteration, noFioTwin(tf, m, readers) == null && fio != null)) {
            long resident = prepare(tf, c);
            HostLoad.Sample s0 = host.sample();
            DaemonObserver.Mark mark = daemon.mark();
            long bytes;
            double seconds;
            double cpu;
            Map<String, Double> extra = Map.of();
            if (tool.equals("aiwatch")) {
                ModelLoader.Timing t =
                        ModelLoader.load(tf.file(), tf.header(), m, readers, settings.blockBytes(), passes, dest);
                bytes = t.bytes();
                seconds = t.nanos() / 1e9;
                cpu = t.cpuNanos() / 1e9;
                extra = dest.figures();
            } else {
                Fio.Result f = fio.run(twin);
                bytes = f.ioBytes();
                seconds = f.runtimeMillis() / 1e3;
                cpu = f.cpuSeconds();
            }
            DaemonObserver.Seen seen = daemon.since(mark, tf.devices());
            HostLoad.Sample s1 = host.sample();
            Run r = new Run(
                    tf.tier(),
                    "load",
                    label(m, readers),
                    c.label(),
                    iteration,
                    tool,
                    bytes,
                    seconds,
                    cpu,
                    seconds == 0 ? 0 : bytes / seconds,
                    seconds == 0 ? 0 : Math.ceil((double) bytes / settings.blockBytes()) / seconds,
                    List.of(),
                    passes,
                    resident,
                    s0.loadAverage1m(),
                    HostLoad.busyFraction(s0, s1),
                    seen,
                    tool.equals("aiwatch") ? dest.name() : "fio",
                    extra);
            out.add(r);
            log.accept(String.format(
                    Locale.ROOT,
                    "%s load %s %s #%d %-7s %8.1f MB/s  (load %.1f, cpu %.0f %%)",
                    tf.tier(),
                    r.config(),
                    c.label(),
                    iteration,
                    tool,
                    r.bytesPerSecond() / 1e6,
                    r.loadAverage1m(),
                    100 * r.cpuBusy()));
        }
        return out;
    }

    /** One random-read pattern, aiwatch beside fio; aiwatch's latency histogram (ns) goes to {@code latency}. */
    public List<Run> random(TierFile tf, RandomReads.Case rc, int iteration, org.HdrHistogram.Histogram latency)
            throws IOException, InterruptedException {
        List<Run> out = new ArrayList<>();
        for (String tool : order(iteration, fio != null)) {
            long resident = prepare(tf, Cache.COLD);
            HostLoad.Sample s0 = host.sample();
            DaemonObserver.Mark mark = daemon.mark();
            long bytes;
            double seconds;
            double cpu;
            List<Double> lat;
            double iops;
            if (tool.equals("aiwatch")) {
                RandomReads.Result res = RandomReads.run(
                        tf.file(), rc, tf.header().fileBytes(), settings.seed() + iteration, settings.randomSeconds());
                bytes = res.bytes();
                seconds = res.nanos() / 1e9;
                cpu = res.cpuNanos() / 1e9;
                iops = res.iops();
                lat = List.of(
                        res.latencySeconds(50) * 1e3,
                        res.latencySeconds(90) * 1e3,
                        res.latencySeconds(99) * 1e3,
                        res.latencySeconds(99.9) * 1e3);
                if (latency != null) {
                    latency.add(res.latency());
                }
            } else {
                Fio.Result f = fio.run(FioJob.random(tf.file(), rc, tf.header().fileBytes(), settings.randomSeconds()));
                bytes = f.ioBytes();
                seconds = f.runtimeMillis() / 1e3;
                cpu = f.cpuSeconds();
                iops = f.iops();
                lat = List.of(
                        f.latP50Nanos() / 1e6, f.latP90Nanos() / 1e6, f.latP99Nanos() / 1e6, f.latP999Nanos() / 1e6);
            }
            DaemonObserver.Seen seen = daemon.since(mark, tf.devices());
            HostLoad.Sample s1 = host.sample();
            Run r = new Run(
                    tf.tier(),
                    "random",
                    rc.label(),
                    rc.direct() ? "direct" : "cold",
                    iteration,
                    tool,
                    bytes,
                    seconds,
                    cpu,
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
            out.add(r);
            log.accept(String.format(
                    Locale.ROOT,
                    "%s random %s #%d %-7s %8.0f IOPS p50 %.3f ms p99 %.3f ms",
                    tf.tier(),
                    rc.label(),
                    iteration,
                    tool,
                    iops,
                    lat.get(0),
                    lat.get(2)));
        }
        return out;
    }

    /** Cold: drop the file's pages; warm: leave them. Returns the bytes resident when the run starts. */
    private long prepare(TierFile tf, Cache c) throws IOException {
        return cache.drop(tf.file(), c == Cache.COLD ? settings.drop() : PageCache.DropMethod.NONE)
                .residentAfter();
    }

    private static List<String> order(int iteration, boolean fio) {
        if (!fio) {
            return List.of("aiwatch");
        }
        return iteration % 2 == 1 ? List.of("aiwatch", "fio") : List.of("fio", "aiwatch");
    }
}
