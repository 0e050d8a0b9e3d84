package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aiwatch.source.inference.PromTextParser.Format;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser's contract under hostile input: it returns families or throws {@link ParseException},
 * nothing else, and it always returns.
 *
 * <p>{@code mvn test} replays Jazzer's (empty) regression corpus plus the seeds in
 * {@code src/test/resources/inference/fuzz-seeds}; {@code JAZZER_FUZZ=1 mvn test -Dtest=PromTextParserFuzzTest}
 * fuzzes with coverage guidance for {@code maxDuration}. The first input byte picks the format
 * (odd: OpenMetrics) so one target covers both grammars.
 */
class PromTextParserFuzzTest {
    @FuzzTest(maxDuration = "60s")
    @Timeout(10)
    void parseNeverThrowsAnythingButParseException(byte[] input) {
        check(input);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    @Timeout(10)
    void seedsKeepTheContract(Path seed) throws IOException {
        check(Files.readAllBytes(seed));
    }

    static Stream<Path> seeds() throws IOException, URISyntaxException {
        Path dir = Path.of(PromTextParserFuzzTest.class
                .getResource("/inference/fuzz-seeds")
                .toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        return files.stream();
    }

    static void check(byte[] input) {
        Format format = input.length > 0 && (input[0] & 1) == 1 ? Format.OPENMETRICS_1_0 : Format.TEXT_0_0_4;
        String text = new String(
                input,
                input.length > 0 && format == Format.OPENMETRICS_1_0 ? 1 : 0,
                input.length > 0 && format == Format.OPENMETRICS_1_0 ? input.length - 1 : input.length,
                StandardCharsets.UTF_8);
        PromTextParser parser = new PromTextParser(format);
        try {
            List<PromFamily> families = parser.parse(text);
            for (PromFamily f : families) {
                assertThat(f.samples()).allSatisfy(s -> assertThat(s.name()).startsWith(f.name()));
            }
        } catch (ParseException e) {
            assertThat(e.line())
                    .isBetween(1, (int) text.chars().filter(c -> c == '\n').count() + 2);
            assertThat(e.reason()).isNotBlank();
        }
    }
}
