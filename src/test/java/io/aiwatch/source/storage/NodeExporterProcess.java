package io.aiwatch.source.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real node_exporter (Debian package prometheus-node-exporter) on 127.0.0.1 with only the
 * diskstats and filesystem collectors, configured with aiwatch's default excludes so both sides
 * look at the same disks and mounts. Fails loudly when the binary is missing.
 */
final class NodeExporterProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus-node-exporter");
    /** aiwatch's disk selection (default exclude, no partitions) written as one node_exporter regex. */
    static final String DEVICE_EXCLUDE = "^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p|mmcblk\\d+p)\\d+$";

    private final Process process;
    private final Path log;
    final URI metrics;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    NodeExporterProcess() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install the Debian package prometheus-node-exporter "
                    + "(listed in .ci/test-deps.txt)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        log = Files.createTempFile("node-exporter", ".log");
        List<String> cmd = new ArrayList<>(List.of(
                BINARY.toString(),
                "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults",
                "--collector.diskstats",
                "--collector.filesystem",
                "--collector.diskstats.device-exclude=" + DEVICE_EXCLUDE,
                "--collector.filesystem.mount-points-exclude=" + StorageConfig.DEFAULT_MOUNT_POINTS_EXCLUDE,
                "--collector.filesystem.fs-types-exclude=" + StorageConfig.DEFAULT_FS_TYPES_EXCLUDE));
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                scrape();
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new AssertionError(
                            "node_exporter did not come up on " + metrics + ": " + Files.readString(log), e);
                }
                Thread.sleep(100);
            }
        }
    }

    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("node_exporter answered " + r.statusCode());
        }
        return r.body();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
