package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Commands and flags are a public interface: each {@code --help} output must match its golden
 * file. Regenerate on purpose with {@code -Dgolden.update=true} and review the diff.
 */
class CommandHelpGoldenTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "aiwatch, --help",
        "daemon, daemon --help",
        "simulate-vllm, simulate vllm --help",
        "proxy, proxy --help",
        "bench-gpu, bench gpu --help",
        "bench-p2p, bench p2p --help",
        "experiment, experiment --help",
        "experiment-run, experiment run --help",
        "experiment-compare, experiment compare --help",
        "bench-load, bench load --help",
    })
    void helpMatchesTheGoldenFile(String name, String args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args.split(" "))).isZero();
        } finally {
            System.setOut(old);
        }
        String help = buf.toString(StandardCharsets.UTF_8);
        Path golden = Path.of("src/test/resources/golden/help-" + name + ".txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, help);
        }
        assertThat(help).isEqualTo(Files.readString(golden));
    }
}
