package io.aiwatch.tool.loadbench.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadContext;
import io.aiwatch.tool.experiment.WorkloadResult;
import io.aiwatch.tool.loadbench.Destination;
import io.aiwatch.tool.loadbench.DiscardDestination;
import io.aiwatch.tool.loadbench.HostMemoryDestination;
import io.aiwatch.tool.loadbench.bench.BenchPlan;
import io.aiwatch.tool.loadbench.bench.BenchReport.Run;
import io.aiwatch.tool.loadbench.bench.DaemonObserver;
import io.aiwatch.tool.loadbench.bench.Fio;
import io.aiwatch.tool.loadbench.bench.ThreadPriority;
import io.aiwatch.tool.loadbench.bench.TierFile;
import io.aiwatch.tool.loadbench.bench.Trial;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One iteration of {@code model-load} or {@code dataset-read}: aiwatch and its fio twin once each
 * (in the order the iteration number gives), with what the daemon's storage collectors saw. The
 * summary puts the loader, fio and the daemon side by side; the raw runs go to the records.
 */
final class StorageWorkload implements Workload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StorageParameters p;
    private volatile boolean cancelled;

    StorageWorkload(StorageParameters p) {
        this.p = p;
    }

    @Override
    public WorkloadResult run(WorkloadContext ctx) throws Exception {
        WorkloadResult.Builder b = WorkloadResult.builder();
        DaemonObserver daemon = new DaemonObserver();
        TierFile tf;
        try {
            tf = p.file() != null
                    ? TierFile.inPlace(
                            p.file(), new SafeTarget(Files.createDirectories(p.dir())), Commands.system(), daemon)
                    : TierPool.get(p.dir(), p.tier(), p.size(), p.seed(), ctx::log);
        } catch (TierFile.Unavailable e) {
            return b.failure(e.getMessage()).build();
        }
        b.environment("tier", tf.tier())
                .environment("filesystem", tf.fsType())
                .environment("tier_setup", tf.setup())
                .environment("block_devices", String.join(" -> ", tf.devices()))
                .environment("device_class", tf.deviceClass());
        int before = ThreadPriority.current();
        int nice = p.nice() == 0 ? before : ThreadPriority.set(p.nice());
        try {
            Trial trial = new Trial(
                    new Trial.Settings(p.blockBytes(), p.drop(), p.warmSeconds(), p.seconds(), ctx.seed()),
                    p.fio() ? new Fio() : null,
                    daemon,
                    ctx::log);
            b.environment("fio", trial.fioVersion()).environment("nice", Integer.toString(nice));
            if (cancelled) {
                return b.interrupted(true).build();
            }
            List<Run> runs;
            if (p.random() == null) {
                if (p.cache() == BenchPlan.Cache.COLD) {
                    String why = trial.coldUnreachable(tf);
                    if (why != null) {
                        return b.failure("no cold run on " + tf.tier() + ": " + why)
                                .build();
                    }
                }
                String noTwin = trial.noFioTwin(tf, p.method(), p.readers());
                if (noTwin != null) {
                    b.note("no fio twin: " + noTwin);
                }
                try (Destination dest =
                        p.destination().equals("host") ? new HostMemoryDestination() : new DiscardDestination()) {
                    runs = trial.load(tf, p.cache(), p.method(), p.readers(), ctx.iteration(), dest);
                }
            } else {
                Histogram latency = new Histogram(1, 600_000_000_000L, 3);
                runs = trial.random(tf, p.random(), ctx.iteration(), latency);
                b.histogram("read", latency);
            }
            summarize(runs, b);
            for (Run r : runs) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.convertValue(r, Map.class);
                b.record(m);
            }
            return b.interrupted(cancelled).build();
        } finally {
            ThreadPriority.set(before);
        }
    }

    /** The loader's, fio's and the daemon's figures, with units in the names. */
    static void summarize(List<Run> runs, WorkloadResult.Builder b) {
        Run a = runs.stream()
                .filter(r -> r.tool().equals("aiwatch"))
                .findFirst()
                .orElse(null);
        Run f = runs.stream().filter(r -> r.tool().equals("fio")).findFirst().orElse(null);
        if (a == null) {
            return;
        }
        b.summary("aiwatch_bytes_per_s", a.bytesPerSecond())
                .summary("aiwatch_s", a.seconds())
                .summary("aiwatch_read_bytes", a.bytes())
                .summary("aiwatch_iops_per_s", a.iops())
                .summary("resident_before_bytes", a.residentBefore())
                .summary("passes", a.passes())
                .summary("cpu_busy_ratio", a.cpuBusy())
                .summary("load_average", a.loadAverage1m());
        if (!a.latencyMs().isEmpty()) {
            b.summary("aiwatch_p50_ms", a.latencyMs().get(0))
                    .summary("aiwatch_p99_ms", a.latencyMs().get(2));
        }
        daemon(a, "daemon_", b);
        if (f != null) {
            b.summary("fio_bytes_per_s", f.bytesPerSecond())
                    .summary("fio_iops_per_s", f.iops())
                    .summary(
                            "aiwatch_fio_ratio", f.bytesPerSecond() == 0 ? 0 : a.bytesPerSecond() / f.bytesPerSecond());
            if (!f.latencyMs().isEmpty()) {
                b.summary("fio_p50_ms", f.latencyMs().get(0))
                        .summary("fio_p99_ms", f.latencyMs().get(2));
            }
            daemon(f, "fio_daemon_", b);
        }
        a.extra().forEach(b::summary);
    }

    private static void daemon(Run r, String prefix, WorkloadResult.Builder b) {
        DaemonObserver.Seen s = r.daemon();
        if (s == null) {
            return;
        }
        if (!s.devices().isEmpty()) {
            DaemonObserver.DeviceSeen d = s.devices().get(0);
            b.summary(prefix + "disk_read_bytes", d.readBytes())
                    .summary(prefix + "disk_reads", d.readsCompleted())
                    .summary(prefix + "disk_read_ratio", r.bytes() == 0 ? 0 : (double) d.readBytes() / r.bytes())
                    .summary(
                            prefix + "disk_await_ms",
                            d.readsCompleted() == 0 ? 0 : 1e3 * d.readTimeSeconds() / d.readsCompleted())
                    .summary(prefix + "disk_queue_depth", s.seconds() == 0 ? 0 : d.weightedIoSeconds() / s.seconds());
        }
        if (r.tool().equals("aiwatch")) {
            b.summary(prefix + "process_read_bytes", s.processReadBytes())
                    .summary(
                            prefix + "process_read_ratio",
                            r.bytes() == 0 ? 0 : (double) s.processReadBytes() / r.bytes());
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
    }
}
