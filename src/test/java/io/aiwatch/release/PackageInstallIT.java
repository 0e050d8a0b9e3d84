package io.aiwatch.release;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The .deb as an operator meets it: {@code dpkg -i} creates the user, installs the unit (rated by
 * {@code systemd-analyze security}), config and {@code aiwatch} on the PATH; the unit's command
 * line starts the node agent as that user and it becomes ready; a reinstall keeps a changed
 * config; a purge removes it all. Needs root and dpkg (CI is root on Debian); built by
 * {@code ./mvnw -Prelease verify}.
 */
class PackageInstallIT {
    private static final Path RELEASE = Path.of(System.getProperty("aiwatch.releaseDir", "target/release"));
    private static final Path UNIT = Path.of("/lib/systemd/system/aiwatch.service");
    private static final Path CONFIG = Path.of("/etc/aiwatch/aiwatch.yaml");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void needsRootAndDpkg() {
        assertThat(Shell.isRoot())
                .as("the .deb test installs a package: run it as root")
                .isTrue();
        assertThat(Shell.run("dpkg", "--version").code()).as("dpkg").isZero();
    }

    @Test
    void debInstallsRunsAsItsUserKeepsConfigOnUpgradeAndPurges() throws Exception {
        Path deb = only("aiwatch_*_all.deb");
        Shell.run("dpkg", "--purge", "aiwatch"); // a left-over from an interrupted run
        Shell.run("dpkg", "-i", deb.toString()).ok();
        try {
            assertThat(Shell.run("getent", "passwd", "aiwatch").ok().output()).contains("/usr/sbin/nologin");
            assertThat(Shell.run("sh", "-c", "command -v aiwatch").ok().output().trim())
                    .isEqualTo("/usr/bin/aiwatch");
            assertThat(Shell.run("aiwatch", "--version").ok().output()).startsWith("aiwatch ");

            String unit = Files.readString(UNIT);
            assertUnitPathsExist(unit);
            assertThat(Shell.run("systemd-analyze", "verify", UNIT.toString())
                            .ok()
                            .output())
                    .doesNotContain("aiwatch.service");
            assertThat(exposure()).as("systemd-analyze security exposure").isLessThan(5.0);

            startAsTheUnitWould(unit);

            Files.writeString(CONFIG, Files.readString(CONFIG) + "#listen: \":9401\"  # kept on upgrade\n");
            Shell.run("dpkg", "-i", deb.toString()).ok();
            assertThat(Files.readString(CONFIG)).contains("# kept on upgrade");
        } finally {
            Shell.run("dpkg", "--purge", "aiwatch").ok();
        }
        assertThat(Path.of("/usr/bin/aiwatch")).doesNotExist();
        assertThat(CONFIG).doesNotExist();
        assertThat(UNIT).doesNotExist();
    }

    /** Every file the unit names (Documentation=, EnvironmentFile=, --config) is installed. */
    private static void assertUnitPathsExist(String unit) {
        List<String> paths = new ArrayList<>();
        for (String doc : value(unit, "Documentation").split("\\s+")) {
            assertThat(doc).startsWith("file://");
            paths.add(doc.substring("file://".length()));
        }
        paths.add(value(unit, "EnvironmentFile").replaceFirst("^-", ""));
        Matcher config = Pattern.compile("--config (\\S+)").matcher(value(unit, "ExecStart"));
        assertThat(config.find()).isTrue();
        paths.add(config.group(1));
        assertThat(paths).hasSize(4).allSatisfy(p -> assertThat(Path.of(p)).isRegularFile());
    }

    private static double exposure() {
        String out = Shell.run("systemd-analyze", "security", "--offline=true", UNIT.toString())
                .ok()
                .output();
        Matcher m = Pattern.compile("Overall exposure level for aiwatch.service: ([0-9.]+) (\\w+)")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(m.group(2)).isIn("PERFECT", "SAFE", "OK");
        return Double.parseDouble(m.group(1));
    }

    /**
     * ExecStart= as User= with the unit's environment, the flags in AIWATCH_ARGS (a loopback port,
     * simulated GPUs and vLLM: CI has no GPU), until /ready says every collector is fresh.
     */
    private static void startAsTheUnitWould(String unit) throws Exception {
        int port = freePort();
        int vllmPort = freePort();
        String args = "--listen 127.0.0.1:" + port + " --simulate-gpus 2 --simulate-vllm " + vllmPort;
        List<String> command = new ArrayList<>(List.of("runuser", "-u", value(unit, "User"), "--"));
        command.addAll(Arrays.asList(
                value(unit, "ExecStart").replace("$AIWATCH_ARGS", args).split("\\s+")));
        Path log = Files.createTempFile("aiwatch-deb", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment()
                .putAll(Map.of(
                        "PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", "/nonexistent", "MALLOC_ARENA_MAX", "2"));
        Process daemon = builder.start();
        try {
            String ready = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && daemon.isAlive()) {
                try {
                    HttpResponse<String> r = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    ready = r.body();
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            assertThat(ready).as("/ready; log:\n" + Files.readString(log)).contains("\"ready\":true");
            String metrics = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics).contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"1\"", "aiwatch_inference_target_up");
            assertThat(Shell.run("ps", "-o", "user=", "-p", String.valueOf(javaPid(daemon)))
                            .ok()
                            .output()
                            .trim())
                    .isEqualTo("aiwatch");
        } finally {
            List<ProcessHandle> started = daemon.descendants().toList();
            daemon.destroy();
            started.forEach(ProcessHandle::destroy);
            daemon.waitFor();
        }
    }

    /** The JVM under runuser: runuser's only child. */
    private static long javaPid(Process runuser) {
        return runuser.toHandle().children().findFirst().orElseThrow().pid();
    }

    private static String value(String unit, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(unit);
        assertThat(m.find()).as(key + "= in the unit").isTrue();
        return m.group(1).trim();
    }

    static Path only(String glob) throws IOException {
        try (var files = Files.newDirectoryStream(RELEASE, glob)) {
            List<Path> found = new ArrayList<>();
            files.forEach(found::add);
            assertThat(found).as(glob + " in " + RELEASE).hasSize(1);
            return found.get(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
