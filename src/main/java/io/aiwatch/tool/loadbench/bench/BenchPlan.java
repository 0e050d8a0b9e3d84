package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.tool.loadbench.Destination;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.tier.Tiers;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a storage benchmark run does. Built by {@code aiwatch bench load} or by the experiment
 * workload; {@link LoadBench#run} carries it out.
 *
 * @param dir            the only directory written to (tiers, synthetic files)
 * @param file           an existing safetensors file to load in place, or null for a synthetic one per tier
 * @param syntheticBytes size of the synthetic file
 * @param tiers          tier names ({@link Tiers#NAMES}); ignored when {@code file} is given
 * @param methods        read methods
 * @param readers        reader counts; each method runs with each
 * @param blockBytes     bytes per read of the loader
 * @param caches         cold and/or warm
 * @param drop           how a cold run empties the cache
 * @param iterations     repetitions of each configuration (each tool)
 * @param fio            run fio's twin beside every aiwatch run
 * @param random         dataset-style random-read cases (may be empty)
 * @param randomSeconds  longest duration of one random-read run, s
 * @param warmSeconds    a warm run lasts at least this long (passes over the file), s
 * @param destination    makes the destination of loads (host memory, discard, GPU)
 * @param seed           seed of the synthetic content and the random offsets
 * @param nice           nice value for the benchmark's threads and fio (both alike; 0 leaves it), so that
 *                       other work on a shared machine disturbs the comparison less
 */
public record BenchPlan(
        Path dir,
        Path file,
        long syntheticBytes,
        List<String> tiers,
        List<ReadMethod> methods,
        List<Integer> readers,
        int blockBytes,
        List<Cache> caches,
        PageCache.DropMethod drop,
        int iterations,
        boolean fio,
        List<RandomReads.Case> random,
        double randomSeconds,
        double warmSeconds,
        Supplier<Destination> destination,
        long seed,
        int nice) {

    /** The page-cache state a run starts from. */
    public enum Cache {
        COLD,
        WARM;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public BenchPlan {
        tiers = List.copyOf(tiers);
        methods = List.copyOf(methods);
        readers = List.copyOf(readers);
        caches = List.copyOf(caches);
        random = List.copyOf(random);
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1");
        }
        if (blockBytes < 4096 || blockBytes % 4096 != 0) {
            throw new IllegalArgumentException("block size must be a multiple of 4096, got " + blockBytes);
        }
        for (String t : tiers) {
            if (!Tiers.NAMES.contains(t)) {
                throw new IllegalArgumentException("unknown tier " + t + "; known: " + Tiers.NAMES);
            }
        }
    }

    /** {@code 4k}, {@code 1m}, {@code 2g}, or a number of bytes (powers of 1024). */
    public static long bytes(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> {}
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: " + text + " (use 4k, 1m, 2g or bytes)");
        }
    }

    /** The dataset patterns of EXP-002: 4 KiB and 64 KiB random reads at queue depth 1 and 32, O_DIRECT. */
    public static List<RandomReads.Case> datasetPatterns(long opsPerJob) {
        return List.of(
                new RandomReads.Case(4096, 1, 1, true, opsPerJob),
                new RandomReads.Case(4096, 32, 1, true, opsPerJob),
                new RandomReads.Case(65536, 1, 1, true, opsPerJob),
                new RandomReads.Case(65536, 32, 1, true, opsPerJob));
    }
}
