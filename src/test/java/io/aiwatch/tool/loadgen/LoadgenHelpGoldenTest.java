package io.aiwatch.tool.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The flags are a public interface: `loadgen --help` must match the golden file. Regenerate on
 * purpose with -Dgolden.update=true.
 */
class LoadgenHelpGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/loadgen/loadgen-help.txt");

    @Test
    void helpMatchesTheGoldenFile() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("loadgen", "--help")).isZero();
        } finally {
            System.setOut(old);
        }
        String help = buf.toString(StandardCharsets.UTF_8);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, help);
        }
        assertThat(help).isEqualTo(Files.readString(GOLDEN));
        assertThat(help)
                .contains(
                        "--base-url",
                        "--endpoint",
                        "--model",
                        "--dataset-name",
                        "--dataset-path",
                        "--random-input-len",
                        "--random-output-len",
                        "--random-range-ratio",
                        "--request-rate",
                        "--burstiness",
                        "--max-concurrency",
                        "--num-prompts",
                        "--percentile-metrics",
                        "--metric-percentiles",
                        "--goodput",
                        "--save-result",
                        "--result-dir",
                        "--result-filename",
                        "--seed");
    }
}
