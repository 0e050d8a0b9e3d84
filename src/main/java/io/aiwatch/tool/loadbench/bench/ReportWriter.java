package io.aiwatch.tool.loadbench.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.aiwatch.tool.loadbench.bench.BenchReport.Comparison;
import io.aiwatch.tool.loadbench.bench.BenchReport.Run;
import io.aiwatch.tool.loadbench.bench.BenchReport.TierOutcome;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a {@link BenchReport} as JSON (every raw run) and as a Markdown report. */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    public static void json(BenchReport r, Path out) throws IOException {
        JSON.writeValue(out.toFile(), r);
    }

    public static BenchReport readJson(Path in) throws IOException {
        return JSON.readValue(in.toFile(), BenchReport.class);
    }

    public static String markdown(BenchReport r) {
        StringBuilder b = new StringBuilder();
        b.append("# Storage tiers and model loading: aiwatch against fio\n\n");
        b.append("| | |\n|---|---|\n");
        r.environment().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(e.getValue())
                        .append(" |\n"));
        DoubleSummaryStatistics load =
                r.runs().stream().mapToDouble(Run::loadAverage1m).summaryStatistics();
        DoubleSummaryStatistics cpu =
                r.runs().stream().mapToDouble(Run::cpuBusy).summaryStatistics();
        if (load.getCount() > 0) {
            b.append(f(
                    "| machine load during runs | load average %.1f–%.1f, CPU busy %.0f–%.0f %% (of %s CPUs) |\n",
                    load.getMin(),
                    load.getMax(),
                    100 * cpu.getMin(),
                    100 * cpu.getMax(),
                    r.environment().getOrDefault("cpus", "?")));
        }
        b.append("\n## Tiers\n\n| tier | filesystem | setup | devices | class | file |\n|---|---|---|---|---|---|\n");
        for (TierOutcome t : r.tiers()) {
            if (t.unavailable() != null) {
                b.append(f("| %s | – | not available: %s | | | |\n", t.tier(), t.unavailable()));
            } else {
                b.append(f(
                        "| %s | %s | %s | %s | %s | %s |\n",
                        t.tier(),
                        t.fsType(),
                        t.setup(),
                        t.devices().isEmpty() ? "(none)" : String.join(" → ", t.devices()),
                        t.deviceClass(),
                        SafeTarget.human(t.fileBytes())));
            }
        }
        b.append("\n## Model load throughput: aiwatch / fio (same file, block size, direct flag, jobs)\n\n");
        b.append("Medians over the iterations; the target is a ratio within 0.95–1.05 in every configuration. "
                + "pairs: lowest–highest ratio of one iteration's aiwatch/fio pair (how much the machine's load "
                + "moved single runs). CPU: aiwatch's bytes per CPU second of its reading threads / fio's, which "
                + "does not depend on the CPU share each got.\n\n");
        b.append("| tier | config | cache | n | aiwatch MB/s | fio MB/s | ratio | within ±5 % | pairs | CPU |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Comparison c : r.comparisons()) {
            b.append(f(
                    "| %s | %s %s | %s | %d | %.1f | %.1f | %.3f | %s | %.2f–%.2f | %.2f |\n",
                    c.tier(),
                    c.kind(),
                    c.config(),
                    c.cache(),
                    c.iterations(),
                    c.aiwatchBytesPerSecond() / 1e6,
                    c.fioBytesPerSecond() / 1e6,
                    c.ratio(),
                    c.withinFivePercent() ? "yes" : "**no**",
                    c.pairRatioLow(),
                    c.pairRatioHigh(),
                    c.cpuEfficiencyRatio()));
        }
        gpuTable(r, b);
        randomTable(r, b);
        daemonTable(r, b);
        b.append("\n## Failures and negative results\n\n");
        if (r.negatives().isEmpty()) {
            b.append("None.\n");
        }
        r.negatives().forEach(n -> b.append("- ").append(n).append('\n'));
        return b.toString();
    }

    private static void gpuTable(BenchReport r, StringBuilder b) {
        List<Comparison> gpu =
                r.comparisons().stream().filter(c -> c.h2dBytesPerSecond() > 0).toList();
        if (gpu.isEmpty()) {
            return;
        }
        b.append("\n## Disk to GPU: end to end against min(fio read, pinned host-to-device copy)\n\n");
        b.append("Pinned staging buffers, two per reader, each copied asynchronously while the next is read;"
                + " the target is at least 0.90.\n\n");
        b.append("| tier | config | cache | aiwatch → GPU MB/s | fio read MB/s | pinned H2D MB/s | ratio | ≥ 0.90 |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Comparison c : gpu) {
            b.append(f(
                    "| %s | %s | %s | %.1f | %.1f | %.1f | %.3f | %s |\n",
                    c.tier(),
                    c.config(),
                    c.cache(),
                    c.aiwatchBytesPerSecond() / 1e6,
                    c.fioBytesPerSecond() / 1e6,
                    c.h2dBytesPerSecond() / 1e6,
                    c.gpuRatio(),
                    c.meetsTarget() ? "yes" : "**no**"));
        }
    }

    private static void randomTable(BenchReport r, StringBuilder b) {
        List<Run> random =
                r.runs().stream().filter(x -> x.kind().equals("random")).toList();
        if (random.isEmpty()) {
            return;
        }
        b.append("\n## Dataset access patterns (random reads): latency percentiles\n\n");
        b.append("Median over the iterations of each figure.\n\n");
        b.append("| tier | pattern | tool | IOPS | MB/s | p50 ms | p90 ms | p99 ms | p99.9 ms |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        List<String> keys = new ArrayList<>();
        for (Run x : random) {
            String key = x.tier() + "|" + x.config() + "|" + x.tool();
            if (keys.contains(key)) {
                continue;
            }
            keys.add(key);
            List<Run> same = random.stream()
                    .filter(y -> (y.tier() + "|" + y.config() + "|" + y.tool()).equals(key))
                    .toList();
            b.append(f(
                    "| %s | %s | %s | %.0f | %.1f | %.3f | %.3f | %.3f | %.3f |\n",
                    x.tier(),
                    x.config(),
                    x.tool(),
                    med(same, y -> y.iops()),
                    med(same, y -> y.bytesPerSecond() / 1e6),
                    med(same, y -> y.latencyMs().get(0)),
                    med(same, y -> y.latencyMs().get(1)),
                    med(same, y -> y.latencyMs().get(2)),
                    med(same, y -> y.latencyMs().get(3))));
        }
    }

    private static void daemonTable(BenchReport r, StringBuilder b) {
        b.append("\n## What the daemon saw (storage collectors, deltas over each run)\n\n");
        b.append("disk = `aiwatch_disk_read_bytes_total` of the nearest block device; process = the loader's "
                + "`aiwatch_process_storage_read_bytes_total`; queue = `aiwatch_disk_io_time_weighted_seconds_total` "
                + "delta / run time (average requests in the device queue); await = read time / reads.\n\n");
        b.append(
                "| tier | run | tool | read | disk read | disk/read | reads | await ms | queue | process read | process/read |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run x : r.runs()) {
            DaemonObserver.Seen s = x.daemon();
            DaemonObserver.DeviceSeen d =
                    s == null || s.devices().isEmpty() ? null : s.devices().get(0);
            boolean aiwatch = x.tool().equals("aiwatch");
            b.append(f(
                    "| %s | %s %s %s #%d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    x.tier(),
                    x.kind(),
                    x.config(),
                    x.cache(),
                    x.iteration(),
                    x.tool(),
                    SafeTarget.human(x.bytes()),
                    d == null ? "–" : SafeTarget.human(d.readBytes()) + " (" + d.device() + ")",
                    d == null || x.bytes() == 0 ? "–" : f("%.3f", (double) d.readBytes() / x.bytes()),
                    d == null ? "–" : Long.toString(d.readsCompleted()),
                    d == null || d.readsCompleted() == 0
                            ? "–"
                            : f("%.3f", 1e3 * d.readTimeSeconds() / d.readsCompleted()),
                    d == null || s.seconds() == 0 ? "–" : f("%.2f", d.weightedIoSeconds() / s.seconds()),
                    aiwatch && s != null ? SafeTarget.human(s.processReadBytes()) : "–",
                    aiwatch && s != null && x.bytes() > 0
                            ? f("%.3f", (double) s.processReadBytes() / x.bytes())
                            : "–"));
        }
    }

    private static double med(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return BenchReport.median(runs.stream().mapToDouble(f).boxed().toList());
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Writes {@code report.json} and {@code report.md} into {@code dir}. */
    public static void write(BenchReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        json(r, dir.resolve("report.json"));
        Files.writeString(dir.resolve("report.md"), markdown(r));
    }
}
