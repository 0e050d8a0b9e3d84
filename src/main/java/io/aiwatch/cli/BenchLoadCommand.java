package io.aiwatch.cli;

import io.aiwatch.tool.loadbench.Destination;
import io.aiwatch.tool.loadbench.DiscardDestination;
import io.aiwatch.tool.loadbench.GpuDestination;
import io.aiwatch.tool.loadbench.HostMemoryDestination;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.bench.BenchPlan;
import io.aiwatch.tool.loadbench.bench.BenchReport;
import io.aiwatch.tool.loadbench.bench.Fio;
import io.aiwatch.tool.loadbench.bench.LoadBench;
import io.aiwatch.tool.loadbench.bench.ReportWriter;
import io.aiwatch.tool.loadbench.tier.Cleanup;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import io.aiwatch.tool.loadbench.tier.Tiers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aiwatch bench load [FILE]}: the model-load and dataset-read benchmark beside fio. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Load a safetensors file (or a synthetic one per storage tier) by buffered, O_DIRECT and mmap reads"
                    + " with N readers, cold and warm, each run beside fio's twin; random 4k/64k reads at QD1/QD32.",
            "Writes only inside --dir; mounts and loop devices it makes are undone on exit or interruption."
        })
public final class BenchLoadCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "FILE", description = "An existing .safetensors file, loaded in place.")
    Path file;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "The only directory written to (tiers, synthetic files).")
    Path dir;

    @Option(
            names = "--size",
            paramLabel = "BYTES",
            description = "Synthetic file size: 1g, 256m, ... (default: ${DEFAULT-VALUE}).")
    String size = "1g";

    @Option(
            names = "--tiers",
            split = ",",
            paramLabel = "TIER",
            description = "disk, xfs (loop device), tmpfs, zfs (default: ${DEFAULT-VALUE}).")
    List<String> tiers = List.of("disk");

    @Option(
            names = "--method",
            split = ",",
            paramLabel = "M",
            description = "buffered, direct, mmap (default: ${DEFAULT-VALUE}).")
    List<String> methods = List.of("buffered", "direct", "mmap");

    @Option(
            names = "--readers",
            split = ",",
            paramLabel = "N",
            description = "Reader threads (default: ${DEFAULT-VALUE}).")
    List<Integer> readers = List.of(1, 4);

    @Option(names = "--block-size", paramLabel = "BYTES", description = "Bytes per read (default: ${DEFAULT-VALUE}).")
    String blockSize = "1m";

    @Option(
            names = "--cache",
            split = ",",
            paramLabel = "STATE",
            description = "cold, warm (default: ${DEFAULT-VALUE}).")
    List<String> caches = List.of("cold", "warm");

    @Option(
            names = "--drop",
            paramLabel = "HOW",
            description = "How cold runs empty the cache: fadvise (this file only) or drop_caches (all; root)"
                    + " (default: ${DEFAULT-VALUE}).")
    String drop = "fadvise";

    @Option(names = "--iterations", description = "Runs of each configuration per tool (default: ${DEFAULT-VALUE}).")
    int iterations = 3;

    @Option(names = "--no-fio", description = "Do not run fio beside aiwatch.")
    boolean noFio;

    @Option(
            names = "--random",
            split = ",",
            paramLabel = "BS:QD",
            description = "Random O_DIRECT read patterns, or none (default: ${DEFAULT-VALUE}).")
    List<String> random = List.of("4k:1", "4k:32", "64k:1", "64k:32");

    @Option(names = "--random-ops", description = "Most reads per random run (default: ${DEFAULT-VALUE}).")
    long randomOps = 200_000;

    @Option(names = "--random-seconds", description = "Longest random run, s (default: ${DEFAULT-VALUE}).")
    double randomSeconds = 5;

    @Option(
            names = "--warm-seconds",
            description = "Shortest warm run, s (passes over the file) (default: ${DEFAULT-VALUE}).")
    double warmSeconds = 1;

    @Option(
            names = "--destination",
            paramLabel = "D",
            description = "discard (the storage alone, fio's equivalent), host (into RAM) or gpu (pinned buffers,"
                    + " asynchronous copies to GPU --gpu) (default: ${DEFAULT-VALUE}).")
    String destination = "discard";

    @Option(names = "--gpu", description = "GPU ordinal for --destination gpu (default: ${DEFAULT-VALUE}).")
    int gpu = 0;

    @Option(names = "--seed", description = "Synthetic content and random offsets (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(
            names = "--nice",
            description = "Nice value of the benchmark and fio alike, -20..0; needs root (default: ${DEFAULT-VALUE}).")
    int nice = -10;

    @Option(names = "--out", paramLabel = "DIR", description = "Write report.json and report.md there.")
    Path out;

    @Option(names = "--cleanup", description = "Only unmount and detach what an interrupted run left under --dir.")
    boolean cleanup;

    /**
     * Runs this command alone ({@code java -cp ... io.aiwatch.cli.BenchLoadCommand ...}): the GPU
     * machine's bundle carries only the classes and libraries this command needs, not the daemon's.
     */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new BenchLoadCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (dir == null) {
            System.err.println("--dir is required: the directory the benchmark may write in");
            return 2;
        }
        if (cleanup) {
            Tiers t = new Tiers(new SafeTarget(dir), Commands.system(), new Cleanup());
            List<String> done = t.removeLeftovers(Path.of("/sys"));
            System.out.println(done.isEmpty() ? "nothing left under " + dir : String.join("\n", done));
            return 0;
        }
        BenchPlan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        BenchReport report = new LoadBench(plan, Commands.system(), new Fio(), System.err::println).run();
        if (out != null) {
            ReportWriter.write(report, out);
            System.err.println("wrote " + out.resolve("report.md") + " and report.json");
        }
        System.out.print(ReportWriter.markdown(report));
        // 0 only when something was measured and every configuration meets its target (±5 % of fio;
        // with the GPU, at least 90 % of min(fio, pinned copy)).
        boolean ok =
                !report.runs().isEmpty() && report.comparisons().stream().allMatch(BenchReport.Comparison::meetsTarget);
        return ok ? 0 : 1;
    }

    BenchPlan plan() {
        List<ReadMethod> ms = methods.stream()
                .map(m -> ReadMethod.valueOf(m.trim().toUpperCase(Locale.ROOT)))
                .toList();
        List<BenchPlan.Cache> cs = caches.stream()
                .map(c -> BenchPlan.Cache.valueOf(c.trim().toUpperCase(Locale.ROOT)))
                .toList();
        List<RandomReads.Case> rs = new ArrayList<>();
        for (String r : random) {
            if (r.equals("none")) {
                continue;
            }
            String[] p = r.split(":");
            if (p.length != 2) {
                throw new IllegalArgumentException("--random wants BS:QD like 4k:32, got " + r);
            }
            rs.add(new RandomReads.Case((int) bytes(p[0]), Integer.parseInt(p[1]), 1, true, randomOps));
        }
        Supplier<Destination> dest = switch (destination) {
            case "discard" -> DiscardDestination::new;
            case "host" -> HostMemoryDestination::new;
            case "gpu" -> () -> new GpuDestination(gpu);
            default ->
                throw new IllegalArgumentException("--destination must be discard, host or gpu, got " + destination);
        };
        PageCache.DropMethod how = switch (drop) {
            case "fadvise" -> PageCache.DropMethod.FADVISE;
            case "drop_caches" -> PageCache.DropMethod.DROP_CACHES;
            default -> throw new IllegalArgumentException("--drop must be fadvise or drop_caches, got " + drop);
        };
        return new BenchPlan(
                dir,
                file,
                bytes(size),
                tiers,
                ms,
                readers,
                (int) bytes(blockSize),
                cs,
                how,
                iterations,
                !noFio,
                rs,
                randomSeconds,
                warmSeconds,
                dest,
                seed,
                nice);
    }

    static long bytes(String text) {
        return BenchPlan.bytes(text);
    }
}
