package io.aiwatch.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ./mvnw -Prelease package} leaves in target/release, checked as a downloader would. */
class ReleaseArtifactsIT {
    private static final Path RELEASE = Path.of(System.getProperty("aiwatch.releaseDir", "target/release"));
    private static final String VERSION = System.getProperty("aiwatch.version", "dev");

    @Test
    void everyArtifactHasAChecksumThatMatches() throws Exception {
        List<String> artifacts;
        try (Stream<Path> files = Files.list(RELEASE)) {
            artifacts = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("SHA256SUMS"))
                    .sorted()
                    .toList();
        }
        assertThat(artifacts)
                .contains(
                        "aiwatch-" + VERSION + ".jar",
                        "aiwatch-tools-" + VERSION + ".jar",
                        "aiwatch-" + VERSION + "-linux.tar.gz",
                        "aiwatch-" + VERSION + "-dependencies.txt");
        List<String> sums = Files.readAllLines(RELEASE.resolve("SHA256SUMS"));
        assertThat(sums.stream().map(l -> l.substring(66)).sorted().toList()).isEqualTo(artifacts);
        String check = Shell.run(RELEASE, Map.of(), List.of("sha256sum", "-c", "SHA256SUMS"))
                .ok()
                .output();
        assertThat(check.lines()).hasSize(artifacts.size()).allMatch(l -> l.endsWith(": OK"));
    }

    /** The node agent carries no load-generator weight and no native library of a platform not shipped. */
    @Test
    void nodeAgentJarLeavesOutTheToolkitAndForeignNatives() throws Exception {
        try (ZipFile jar =
                new ZipFile(RELEASE.resolve("aiwatch-" + VERSION + ".jar").toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            assertThat(names)
                    .contains("io/aiwatch/cli/Main.class", "io/aiwatch/tool/proxy/MeasuringProxy.class")
                    .contains(
                            "com/sun/jna/linux-x86-64/libjnidispatch.so", "com/sun/jna/linux-aarch64/libjnidispatch.so")
                    .noneMatch(n -> n.startsWith("ai/djl/") || n.startsWith("native/lib/"))
                    .noneMatch(n -> n.startsWith("jcuda/") || n.startsWith("lib/libJCuda"))
                    .noneMatch(n -> n.startsWith("org/HdrHistogram/"))
                    .noneMatch(n -> n.startsWith("io/aiwatch/tool/loadgen/") || n.startsWith("io/aiwatch/tool/cuda/"))
                    .noneMatch(n -> n.startsWith("io/prometheus/metrics/shaded/"))
                    // OTLP over the JDK HttpClient; OkHttp/Okio (gRPC only) stay in the toolkit jar.
                    .contains("io/opentelemetry/exporter/sender/jdk/internal/JdkHttpSenderProvider.class")
                    .noneMatch(n -> n.startsWith("okhttp3/") || n.startsWith("okio/"))
                    .noneMatch(n -> n.matches("com/sun/jna/(?!linux-x86-64/|linux-aarch64/)[a-z0-9]+-[a-z0-9-]+/.+"));
        }
    }

    @Test
    void dependencyReportGivesEveryLibraryAVersionAndALicense() throws Exception {
        List<String> rows = Files.readAllLines(RELEASE.resolve("aiwatch-" + VERSION + "-dependencies.txt")).stream()
                .filter(l -> l.startsWith("     ("))
                .toList();
        assertThat(rows)
                .hasSizeGreaterThan(20)
                .allMatch(l -> l.matches("\\s+\\(.+\\) .+ \\([^:]+:[^:]+:[^ ]+ - .*\\)"));
        assertThat(rows).anyMatch(l -> l.contains("(net.java.dev.jna:jna:"));
        assertThat(rows).noneMatch(l -> l.contains("Unknown license"));
    }

    /** The tarball unpacks to a launcher that runs the bundled jar, with config, unit, dashboards and alerts. */
    @Test
    void tarballHoldsEverythingANodeNeedsAndItsLauncherRuns(@TempDir Path dir) throws Exception {
        Path tarball = RELEASE.resolve("aiwatch-" + VERSION + "-linux.tar.gz");
        Shell.run("tar", "-xzf", tarball.toString(), "-C", dir.toString()).ok();
        Path root = dir.resolve("aiwatch-" + VERSION);
        for (String file : List.of(
                "bin/aiwatch",
                "lib/aiwatch.jar",
                "config/aiwatch.yaml",
                "systemd/aiwatch.service",
                "dashboards/gpu-node.json",
                "alerts/gpu.rules.yml",
                "alerts/counters.csv",
                "docs/CONFIGURATION.md",
                "LICENSE",
                "NOTICE",
                "THIRD-PARTY.txt")) {
            assertThat(root.resolve(file)).as(file).isRegularFile();
        }
        assertThat(Files.isExecutable(root.resolve("bin/aiwatch"))).isTrue();
        // From another directory, through a symlink on the PATH, as an installer would put it.
        Path onPath = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(onPath.resolve("aiwatch"), root.resolve("bin/aiwatch"));
        String out = Shell.run(
                        dir,
                        Map.of("PATH", onPath + ":" + System.getenv("PATH")),
                        List.of("sh", "-c", "aiwatch --version"))
                .ok()
                .output();
        assertThat(out.trim()).isEqualTo("aiwatch " + VERSION);
    }
}
