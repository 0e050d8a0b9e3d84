package io.aiwatch.tool.loadbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A scratch directory under {@code target/} (a real disk filesystem, where O_DIRECT and the page
 * cache behave as on a server), rather than {@code /tmp}, which may be tmpfs in a container.
 */
public final class ScratchDir implements AutoCloseable {
    public final Path path;

    public ScratchDir() {
        try {
            Path base = Path.of("target", "loadbench-scratch").toAbsolutePath();
            Files.createDirectories(base);
            path = Files.createTempDirectory(base, "t");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
