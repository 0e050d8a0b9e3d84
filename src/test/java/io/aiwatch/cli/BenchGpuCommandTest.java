package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Arguments are checked before any GPU is touched (so these run without one). */
class BenchGpuCommandTest {

    private static String[] run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int rc = Main.run(args);
            return new String[] {Integer.toString(rc), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void rejectsBatchesOutsideTheRange() {
        String[] r = run("bench", "gpu", "--batches", "1,0");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--batches: 0 is outside 1..4096");
    }

    @Test
    void rejectsUnknownModelsAndMalformedSustainSpecs() {
        assertThat(run("bench", "gpu", "--models", "3B")[1]).contains("unknown model size '3B'");
        String[] r = run("bench", "gpu", "--sustain", "8B:64");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--sustain: expected MODEL:BATCH:SECONDS");
        assertThat(run("bench", "gpu", "--compare", "8B")[1]).contains("--compare: expected MODEL:BATCH");
    }
}
