package io.aiwatch.reader.alert.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Our evaluator meets the expectations of the promtool test files in src/test/resources/alert
 * (which {@code PromtoolDifferentialIT} proves promtool itself passes).
 */
class PromtoolTestFilesTest {
    static List<Path> ownTestFiles() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/alert"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".test.yml"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void evaluatorMeetsEveryExpectationOfOurPromtoolTestFiles() throws Exception {
        List<Path> files = ownTestFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        for (Path f : files) {
            assertThat(PromtoolTestRunner.run(f)).as(f.toString()).isEmpty();
        }
    }

    @Test
    void everyShippedRuleFileIsInsideTheSubsetAndMeetsItsTests() throws Exception {
        Path shipped = Path.of("alerts");
        assertThat(shipped).isDirectory();
        assertThat(RuleLoader.load(List.of("alerts/*.yml"), java.time.Duration.ofSeconds(1)))
                .isNotEmpty();
        try (Stream<Path> s = Files.list(shipped.resolve("tests"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                assertThat(PromtoolTestRunner.run(f)).as(f.toString()).isEmpty();
            }
        }
    }

    @Test
    void aWrongExpectationIsReportedAsAMismatch(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.copy(Path.of("src/test/resources/alert/gpu-rules.yml"), dir.resolve("gpu-rules.yml"));
        String test = Files.readString(Path.of("src/test/resources/alert/gpu-rules.test.yml"))
                .replace("is at 88 °C", "is at 87 °C");
        Files.writeString(dir.resolve("t.test.yml"), test);
        assertThat(PromtoolTestRunner.run(dir.resolve("t.test.yml")))
                .singleElement()
                .asString()
                .contains("GpuTempHigh")
                .contains("is at 88 °C");
    }
}
