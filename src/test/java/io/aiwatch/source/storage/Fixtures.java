package io.aiwatch.source.storage;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The fixture tree under src/test/resources/storage/tree and helpers to read snapshots. */
final class Fixtures {
    /** Read in place (not from target/), so sysfs symlinks stay symlinks as in a real /sys. */
    static final Path TREE = Path.of("src/test/resources/storage/tree").toAbsolutePath();

    static final Path PROC = TREE.resolve("proc");
    static final Path SYS = TREE.resolve("sys");

    private Fixtures() {}

    static StorageConfig config() {
        return StorageConfig.defaults().withRoots(PROC, SYS);
    }

    /** A writable copy of the fixture procfs, for tests that change files between two reads. */
    static Path copyProc(Path target) throws IOException {
        try (Stream<Path> all = Files.walk(PROC)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dest = target.resolve(PROC.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        return target;
    }

    static MetricFamily family(Snapshot s, String name) {
        return s.families().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name + " in " + names(s)));
    }

    static List<String> names(Snapshot s) {
        return s.families().stream().map(MetricFamily::name).toList();
    }

    /** label value of {@code key} → sample value, for one family. */
    static Map<String, Double> byLabel(Snapshot s, String family, String key) {
        Map<String, Double> out = new TreeMap<>();
        for (Sample x : family(s, family).samples()) {
            out.put(x.labels().get(key), x.value());
        }
        return out;
    }

    static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
