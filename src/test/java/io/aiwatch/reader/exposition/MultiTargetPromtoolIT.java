package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code promtool check metrics} accepts /metrics with 1, 2 and 10 vLLM targets (issue #17 item 2:
 * each {@code aiwatch_inference_*} family used to be written once per target, "second HELP line").
 */
class MultiTargetPromtoolIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void promtoolAcceptsTheExposition(int targets) throws Exception {
        String text = MultiTargetExposition.render(targets, Format.TEXT_0_0_4);
        Path in = dir.resolve("metrics.txt");
        Path out = dir.resolve("promtool.out");
        Files.writeString(in, text);
        Process p = new ProcessBuilder(ExpositionPromtoolIT.promtoolPath(), "check", "metrics")
                .redirectInput(in.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(out);
        assertThat(output).as("promtool output").isEmpty();
        assertThat(p.exitValue()).isZero();
        assertThat(text.lines().filter(l -> l.startsWith("aiwatch_inference_target_up{")))
                .hasSize(targets);
    }
}
