package io.aiwatch.tool.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadgen.result.ResultFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, interrupted by a real signal (SIGTERM runs the same shutdown hook as Ctrl-C). */
class LoadgenSignalIT {
    @TempDir
    Path dir;

    @Test
    void aSignalMidRunWritesThePartialResultsBeforeExit() throws Exception {
        String jar = System.getProperty("aiwatch.jar", "target/aiwatch.jar");
        assertThat(Path.of(jar)).as("the packaged jar (mvn package)").exists();
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            server.ttftMs = 100;
            Process p = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            jar,
                            "loadgen",
                            "--base-url",
                            server.baseUrl(),
                            "--model",
                            "m",
                            "--request-rate",
                            "20",
                            "--num-prompts",
                            "1000",
                            "--random-input-len",
                            "4",
                            "--random-output-len",
                            "2",
                            "--save-result",
                            "--result-dir",
                            dir.toString(),
                            "--result-filename",
                            "partial.json",
                            "--no-progress"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.txt").toFile())
                    .start();
            server.awaitRequests(20, 15_000);
            assertThat(server.requests.get())
                    .as(Files.readString(dir.resolve("out.txt")))
                    .isGreaterThanOrEqualTo(20);
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Map<String, Object> r = ResultFiles.readJson(dir.resolve("partial.json"));
            assertThat(r).containsEntry("interrupted", true);
            assertThat((int) r.get("completed")).isBetween(10, 999);
            assertThat(Files.readString(dir.resolve("out.txt"))).contains("Serving Benchmark Result");
        }
    }
}
