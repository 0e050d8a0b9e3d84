package io.aiwatch.source.storage;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * ZFS ARC statistics ({@code <proc>/spl/kstat/zfs/arcstats}) and pool states
 * ({@code <proc>/spl/kstat/zfs/<pool>/state}). Without the ZFS module the snapshot is empty.
 * The best-known ARC rows get named families in base units; every numeric row is also exposed
 * raw as {@code aiwatch_zfs_arcstat{stat}} (a fixed kernel-defined set, so bounded).
 */
public final class ZfsCollector implements Collector {
    static final String FILE = "arcstats";
    static final List<String> POOL_STATES =
            List.of("online", "degraded", "faulted", "offline", "removed", "unavail", "suspended");

    /** kstat row → (family, type, help). */
    private record Named(String family, MetricType type, String help) {}

    private static final Map<String, Named> NAMED = Map.ofEntries(
            Map.entry("hits", new Named("aiwatch_zfs_arc_hits_total", MetricType.COUNTER, "ARC hits.")),
            Map.entry("misses", new Named("aiwatch_zfs_arc_misses_total", MetricType.COUNTER, "ARC misses.")),
            Map.entry(
                    "demand_data_hits",
                    new Named("aiwatch_zfs_arc_demand_data_hits_total", MetricType.COUNTER, "ARC demand data hits.")),
            Map.entry(
                    "demand_data_misses",
                    new Named(
                            "aiwatch_zfs_arc_demand_data_misses_total", MetricType.COUNTER, "ARC demand data misses.")),
            Map.entry(
                    "prefetch_data_hits",
                    new Named(
                            "aiwatch_zfs_arc_prefetch_data_hits_total", MetricType.COUNTER, "ARC prefetch data hits.")),
            Map.entry(
                    "prefetch_data_misses",
                    new Named(
                            "aiwatch_zfs_arc_prefetch_data_misses_total",
                            MetricType.COUNTER,
                            "ARC prefetch data misses.")),
            Map.entry("size", new Named("aiwatch_zfs_arc_size_bytes", MetricType.GAUGE, "ARC size in bytes.")),
            Map.entry(
                    "c",
                    new Named("aiwatch_zfs_arc_target_size_bytes", MetricType.GAUGE, "ARC target size (c) in bytes.")),
            Map.entry(
                    "c_min",
                    new Named("aiwatch_zfs_arc_min_size_bytes", MetricType.GAUGE, "ARC minimum target size in bytes.")),
            Map.entry(
                    "c_max",
                    new Named("aiwatch_zfs_arc_max_size_bytes", MetricType.GAUGE, "ARC maximum target size in bytes.")),
            Map.entry(
                    "memory_throttle_count",
                    new Named(
                            "aiwatch_zfs_arc_memory_throttles_total",
                            MetricType.COUNTER,
                            "Writes throttled for lack of ARC memory.")),
            Map.entry("l2_hits", new Named("aiwatch_zfs_l2arc_hits_total", MetricType.COUNTER, "L2ARC hits.")),
            Map.entry("l2_misses", new Named("aiwatch_zfs_l2arc_misses_total", MetricType.COUNTER, "L2ARC misses.")),
            Map.entry("l2_size", new Named("aiwatch_zfs_l2arc_size_bytes", MetricType.GAUGE, "L2ARC size in bytes.")));

    private final StorageConfig config;
    private final ParseErrors errors;
    private final Path zfs;

    public ZfsCollector(StorageConfig config, ParseErrors errors) {
        this.config = config;
        this.errors = errors;
        this.zfs = config.procRoot().resolve("spl/kstat/zfs");
    }

    @Override
    public String name() {
        return "storage_zfs";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Snapshot collect() throws IOException {
        if (!Files.isDirectory(zfs)) {
            return Snapshot.of(List.of());
        }
        List<MetricFamily> out = new ArrayList<>();
        Map<String, Double> arc = readArcstats();
        var raw = MetricFamily.builder(
                "aiwatch_zfs_arcstat",
                MetricType.UNKNOWN,
                "Every numeric row of /proc/spl/kstat/zfs/arcstats, raw, by row name.");
        for (Map.Entry<String, Double> e : arc.entrySet()) {
            Named n = NAMED.get(e.getKey());
            if (n != null) {
                out.add(MetricFamily.builder(n.family(), n.type(), n.help())
                        .add(Labels.EMPTY, e.getValue())
                        .build());
            }
            raw.add(Labels.of("stat", e.getKey()), e.getValue());
        }
        out.add(raw.build());
        out.add(poolStates());
        return Snapshot.of(out);
    }

    /** Rows of type 4 (uint64) and 3 (int64) after the {@code name type data} header, sorted by name. */
    private Map<String, Double> readArcstats() throws IOException {
        Map<String, Double> rows = new TreeMap<>();
        String text;
        try {
            text = Files.readString(zfs.resolve("arcstats"));
        } catch (NoSuchFileException e) {
            return rows;
        }
        boolean inData = false;
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (!inData) {
                inData = f.length == 3 && f[0].equals("name") && f[1].equals("type") && f[2].equals("data");
                continue;
            }
            if (f.length != 3 || !f[0].matches("[a-zA-Z0-9_]+")) {
                if (!line.isBlank()) {
                    errors.record(FILE, "bad row: " + line.strip());
                }
                continue;
            }
            try {
                if (f[1].equals("4")) {
                    rows.put(f[0], DiskCollector.unsigned(Long.parseUnsignedLong(f[2])));
                } else if (f[1].equals("3")) {
                    rows.put(f[0], (double) Long.parseLong(f[2]));
                }
            } catch (NumberFormatException e) {
                errors.record(FILE, "row " + f[0] + ": not a number: " + f[2]);
            }
        }
        if (!inData) {
            errors.record(FILE, "no 'name type data' header");
        }
        return rows;
    }

    private MetricFamily poolStates() throws IOException {
        var b = MetricFamily.builder(
                "aiwatch_zfs_pool_state",
                MetricType.GAUGE,
                "1 for the pool's current state (online, degraded, faulted, offline, removed, unavail, suspended).");
        try (DirectoryStream<Path> pools = Files.newDirectoryStream(zfs, Files::isDirectory)) {
            List<Path> sorted = new ArrayList<>();
            pools.forEach(sorted::add);
            sorted.sort(null);
            for (Path pool : sorted) {
                String state;
                try {
                    state = Files.readString(pool.resolve("state")).strip().toLowerCase(Locale.ROOT);
                } catch (NoSuchFileException e) {
                    continue; // older kernels without the state kstat, or the pool was exported meanwhile
                }
                String name = pool.getFileName().toString();
                for (String s : POOL_STATES) {
                    b.add(Labels.of("pool", name, "state", s), s.equals(state) ? 1 : 0);
                }
            }
        }
        return b.build();
    }
}
