package io.aiwatch.reader.alert.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.it.ExternalProgram;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against promtool 2.42 (Debian {@code prometheus}): for every promtool test
 * file (ours in src/test/resources/alert, the shipped ones in alerts/tests when present, or
 * those named by {@code -Daiwatch.promtoolTests=GLOB}):
 * <ol>
 *   <li>promtool passes the file, so its expectations are promtool's behaviour;</li>
 *   <li>our evaluator meets the same expectations;</li>
 *   <li>a file whose expectations are our firing alerts (labels and annotations) for every
 *       alerting rule at every evaluation step passes promtool, so the two agree at every step,
 *       not only where the author wrote an expectation.</li>
 * </ol>
 */
class PromtoolDifferentialIT {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    static List<Path> testFiles() throws Exception {
        String glob = System.getProperty("aiwatch.promtoolTests");
        List<Path> files = new ArrayList<>();
        if (glob != null && !glob.isBlank()) {
            files.addAll(RuleLoader.expand(List.of(glob)));
            return files;
        }
        files.addAll(PromtoolTestFilesTest.ownTestFiles());
        Path shipped = Path.of("alerts/tests");
        if (Files.isDirectory(shipped)) {
            PathMatcher yml = FileSystems.getDefault().getPathMatcher("glob:*.{yml,yaml}");
            try (Stream<Path> s = Files.list(shipped)) {
                s.filter(p -> yml.matches(p.getFileName())).sorted().forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void firesTheSameAlertsAsPromtoolAtEveryEvaluationStep(@TempDir Path dir) throws Exception {
        ExternalProgram.require(PROMTOOL.toString(), "prometheus");
        List<Path> files = testFiles();
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            assertThat(promtool(f)).as("promtool test rules " + f).startsWith("0:");
            assertThat(PromtoolTestRunner.run(f)).as("our evaluator on " + f).isEmpty();
            Path dense = dir.resolve(f.getFileName().toString().replace(".yml", ".dense.yml"));
            Files.writeString(dense, PromtoolTestRunner.denseTestFile(f, Duration.ofMinutes(20)));
            assertThat(Files.readString(dense)).contains("exp_alerts");
            assertThat(promtool(dense))
                    .as("promtool on our step-by-step alerts for " + f + " (" + dense + ")")
                    .startsWith("0:");
        }
    }

    @Test
    void promtoolRejectsADenseFileWhenOurAlertsWereWrong(@TempDir Path dir) throws Exception {
        ExternalProgram.require(PROMTOOL.toString(), "prometheus");
        Path f = Path.of("src/test/resources/alert/gpu-rules.test.yml");
        String dense = PromtoolTestRunner.denseTestFile(f, Duration.ofMinutes(12))
                .replace("severity: \"warning\"", "severity: \"info\"");
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, dense);
        assertThat(promtool(bad)).startsWith("1:").contains("GpuTempHigh");
    }

    private static String promtool(Path file) throws Exception {
        Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }
}
