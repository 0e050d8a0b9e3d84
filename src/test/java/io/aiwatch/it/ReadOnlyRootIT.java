package io.aiwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon started the way the Helm chart's DaemonSet starts it: the image's launcher with
 * dcgm-exporter's arguments and no command, a non-root user with no capabilities, every mount of
 * the root filesystem read-only (a private mount namespace made with {@code unshare}), and one
 * writable directory, a tmpfs standing in for the emptyDir, as {@code AIWATCH_TMPDIR}. NVML is
 * the fake libnvidia-ml.so.1, so JNA has to unpack its native library: without a writable
 * temporary directory that is where the daemon used to crash-loop. It must serve metrics.
 *
 * <p>Needs root to create the mount namespace (the CI runs as root); anywhere {@code unshare}
 * is refused the test fails and prints why.
 */
class ReadOnlyRootIT {

    @Test
    void servesMetricsAsANonRootUserOnAReadOnlyRootWithOnlyTheEmptyDirWritable(@TempDir Path dir) throws Exception {
        Path jar = ExternalProgram.aiwatchJar().toAbsolutePath();
        Path fakeNvml = Path.of(System.getProperty("aiwatch.fakeNvml", "target/fake-nvml/libnvidia-ml.so.1"))
                .toAbsolutePath();
        Path launcher = Path.of("packaging/bin/aiwatch").toAbsolutePath();
        Path counters = Path.of("alerts/counters.csv").toAbsolutePath();
        Path emptyDir = Files.createDirectories(dir.resolve("emptydir"));
        Path log = dir.resolve("daemon.log");
        int port = ExternalProgram.freePort();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // dir must be traversable by the unprivileged user to reach the tmpfs mounted inside it
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String script = String.join(
                "\n",
                "set -eu",
                "mount --make-rprivate /",
                "mount -t tmpfs -o size=64m,mode=0700,uid=65534,gid=65534 emptydir " + emptyDir,
                // every other mount read-only, as readOnlyRootFilesystem makes the container's root
                "for m in $(findmnt -rn -o TARGET); do",
                "  case \"$m\" in /proc|/proc/*|/dev/pts|" + emptyDir + ") continue;; esac",
                "  mount -o remount,bind,ro \"$m\" 2>/dev/null || echo \"could not remount $m read-only\" >&2",
                "done",
                "if touch /aiwatch-rw-probe 2>/dev/null || touch " + dir + "/rw-probe 2>/dev/null; then",
                "  echo 'root filesystem is still writable' >&2; exit 3",
                "fi",
                "export AIWATCH_JAR=" + jar + " AIWATCH_TMPDIR=" + emptyDir + "/aiwatch JAVA=" + javaBin,
                "export AIWATCH_JAVA_OPTS='-Xmx96m -XX:+UseSerialGC -XX:-UsePerfData'",
                "exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "
                        + launcher + " -f " + counters + " -a 127.0.0.1:" + port + " --nvml-library " + fakeNvml
                        + " -n");
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            String body = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("DCGM_FI_DEV_GPU_TEMP{")) {
                        body = r.body();
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(body)
                    .as(
                            "the daemon served no GPU metrics (exit %s); its output:%n%s",
                            p.isAlive() ? "none, still running" : p.exitValue(), output)
                    .isNotNull();
            assertThat(body)
                    .contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"0\",UUID=\"GPU-00000000-0000-0000-0000-000000000000\"")
                    .contains("aiwatch_collector_up{collector=\"gpu\"} 1");
            assertThat(output).doesNotContain("could not remount");
            // JNA unpacks libjnidispatch into its tmpdir as jna<N>.tmp, loads it and deletes the file:
            // the mapping stays, and it must be in the emptyDir
            String maps = Files.readString(Path.of("/proc", Long.toString(p.pid()), "maps"));
            assertThat(maps.lines()
                            .filter(l -> l.contains(emptyDir + "/aiwatch/jna"))
                            .toList())
                    .as("JNA's native library loaded from the emptyDir; mappings:%n%s", maps)
                    .isNotEmpty();
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
