package io.aiwatch.tool.loadbench.experiment;

import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.bench.BenchPlan;
import io.aiwatch.tool.loadbench.tier.Tiers;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The parameters of the storage workloads, checked at spec load time (keys named in errors, which
 * the spec loader turns into file:line).
 *
 * @param dir         the only directory written to; tiers and files go into sub-directories
 * @param file        an existing safetensors file to read in place instead of a synthetic one, or null
 * @param tier        disk, xfs, tmpfs or zfs (ignored with {@code file})
 * @param size        synthetic file size, bytes
 * @param seed        synthetic content
 * @param method      read method (model-load)
 * @param readers     reader threads (model-load)
 * @param blockBytes  bytes per read
 * @param cache       cold or warm (model-load)
 * @param drop        how cold runs empty the cache
 * @param fio         run fio's twin beside aiwatch
 * @param destination discard or host (model-load)
 * @param warmSeconds shortest warm run, s
 * @param nice        nice value of the workload's threads and fio, 0 to leave it
 * @param random      the random-read pattern (dataset-read), or null
 * @param seconds     longest random run, s (dataset-read)
 */
record StorageParameters(
        Path dir,
        Path file,
        String tier,
        long size,
        long seed,
        ReadMethod method,
        int readers,
        int blockBytes,
        BenchPlan.Cache cache,
        PageCache.DropMethod drop,
        boolean fio,
        String destination,
        double warmSeconds,
        int nice,
        RandomReads.Case random,
        double seconds) {

    static final Set<String> COMMON =
            Set.of("dir", "file", "tier", "size", "seed", "block_size", "drop", "fio", "nice");
    static final Set<String> LOAD = Set.of("method", "readers", "cache", "destination", "warm_seconds");
    static final Set<String> RANDOM = Set.of("iodepth", "jobs", "direct", "ops", "seconds");

    static StorageParameters load(Parameters p) {
        return parse(p, true);
    }

    static StorageParameters random(Parameters p) {
        return parse(p, false);
    }

    private static StorageParameters parse(Parameters p, boolean load) {
        Set<String> known = new HashSet<>(COMMON);
        known.addAll(load ? LOAD : RANDOM);
        p.requireOnly(known, load ? "workload model-load" : "workload dataset-read");
        Path dir = Path.of(p.requireText("dir"));
        Path file = p.has("file") ? Path.of(p.requireText("file")) : null;
        String tier = p.text("tier", "disk");
        if (!Tiers.NAMES.contains(tier)) {
            throw new ParameterException("tier", "one of " + Tiers.NAMES + ", got " + tier);
        }
        long size = size(p, "size", "1g");
        int block = (int) size(p, "block_size", load ? "1m" : "4k");
        if (load && (block < 4096 || block % 4096 != 0)) {
            throw new ParameterException("block_size", "a multiple of 4k, got " + block);
        }
        PageCache.DropMethod drop = switch (p.text("drop", "fadvise")) {
            case "fadvise" -> PageCache.DropMethod.FADVISE;
            case "drop_caches" -> PageCache.DropMethod.DROP_CACHES;
            default -> throw new ParameterException("drop", "fadvise or drop_caches");
        };
        int nice = p.integer("nice", -10);
        if (nice < -20 || nice > 19) {
            throw new ParameterException("nice", "-20..19");
        }
        if (load) {
            ReadMethod method = enumOf(ReadMethod.class, p.text("method", "buffered"), "method");
            int readers = p.integer("readers", 1);
            if (readers < 1 || readers > 256) {
                throw new ParameterException("readers", "1..256");
            }
            BenchPlan.Cache cache = enumOf(BenchPlan.Cache.class, p.text("cache", "cold"), "cache");
            String dest = p.text("destination", "discard");
            if (!dest.equals("discard") && !dest.equals("host")) {
                throw new ParameterException("destination", "discard or host");
            }
            return new StorageParameters(
                    dir,
                    file,
                    tier,
                    size,
                    p.whole("seed", 1),
                    method,
                    readers,
                    block,
                    cache,
                    drop,
                    p.flag("fio", true),
                    dest,
                    p.number("warm_seconds", 1),
                    nice,
                    null,
                    0);
        }
        RandomReads.Case rc;
        try {
            rc = new RandomReads.Case(
                    block,
                    p.integer("iodepth", 1),
                    p.integer("jobs", 1),
                    p.flag("direct", true),
                    p.whole("ops", 1_000_000));
        } catch (IllegalArgumentException e) {
            throw new ParameterException("iodepth", e.getMessage());
        }
        return new StorageParameters(
                dir,
                file,
                tier,
                size,
                p.whole("seed", 1),
                null,
                1,
                block,
                BenchPlan.Cache.COLD,
                drop,
                p.flag("fio", true),
                "discard",
                1,
                nice,
                rc,
                p.number("seconds", 5));
    }

    private static long size(Parameters p, String key, String dflt) {
        try {
            long v = BenchPlan.bytes(String.valueOf(p.asMap().getOrDefault(key, dflt)));
            if (v <= 0) {
                throw new ParameterException(key, "must be positive");
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw e instanceof ParameterException pe ? pe : new ParameterException(key, e.getMessage());
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String text, String key) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder known = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                known.append(known.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new ParameterException(key, "one of " + known + ", got " + text);
        }
    }
}
