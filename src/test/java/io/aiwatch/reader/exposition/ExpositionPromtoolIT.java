package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks both exposition formats with Prometheus' own tools (Debian package {@code prometheus}).
 *
 * <p>What "clean" means here, per format:
 * <ul>
 *   <li>text 0.0.4: {@code promtool check metrics} (parser plus promlint) reports nothing except the
 *       lint findings listed in {@link #ALLOWED_TEXT_LINT}, which are all about dcgm-exporter's own
 *       names that we must keep exactly (counters without {@code _total}, {@code modelName}).</li>
 *   <li>OpenMetrics: {@code promtool check metrics} only understands text 0.0.4 (it stops at
 *       {@code # TYPE x unknown}), so the OpenMetrics output is parsed by Prometheus' real
 *       OpenMetrics scrape parser through {@code promtool tsdb create-blocks-from openmetrics}, which
 *       needs a timestamp on each sample (added here to a copy). It must accept every line.</li>
 * </ul>
 */
class ExpositionPromtoolIT {
    private static final String CAMEL = "label names should be written in 'snake_case' not 'camelCase'";

    /**
     * The only promlint findings tolerated, all caused by dcgm-exporter names that compatibility
     * forbids changing: its counters have no {@code _total}, one is called {@code ..._COUNTER}, and its
     * GPU label set has {@code modelName} (camelCase). Each family's findings are listed exactly.
     */
    static final Set<String> ALLOWED_TEXT_LINT = Set.of(
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter metrics should have \"_total\" suffix",
            "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL counter metrics should have \"_total\" suffix",
            "DCGM_FI_DEV_PCIE_REPLAY_COUNTER counter metrics should have \"_total\" suffix",
            "DCGM_FI_DEV_PCIE_REPLAY_COUNTER metric name should not include type 'counter'",
            "DCGM_FI_DEV_GPU_TEMP " + CAMEL,
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION " + CAMEL,
            "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL " + CAMEL,
            "DCGM_FI_DEV_PCIE_REPLAY_COUNTER " + CAMEL);

    @TempDir
    Path dir;

    @Test
    void text004IsCleanApartFromListedDcgmNameFindings() throws Exception {
        StringBuilder sb = new StringBuilder();
        ExpositionFixtures.families().forEach(f -> TextFormat.write(sb, f));
        Result r = promtool(sb.toString(), "check", "metrics");
        List<String> findings = r.lines().stream().filter(l -> !l.isBlank()).toList();
        assertThat(findings).as("promtool output:\n%s", r.output).isSubsetOf(ALLOWED_TEXT_LINT);
        assertThat(r.output).doesNotContain("error while linting");
    }

    @Test
    void promtoolCatchesARealLintProblem() throws Exception {
        Result r = promtool("# HELP fooBar x\n# TYPE fooBar gauge\nfooBar 1\n", "check", "metrics");
        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("camelCase");
    }

    @Test
    void openMetricsIsAcceptedByPrometheusOpenMetricsParser() throws Exception {
        List<MetricFamily> families = ExpositionFixtures.families();
        String om = new String(OpenMetricsFormat.render(families), StandardCharsets.UTF_8);
        assertThat(om).endsWith("# EOF\n");
        Result r = backfill(om);
        assertThat(r.exit).as("promtool output:\n%s", r.output).isZero();
        long series = families.stream().mapToLong(f -> f.samples().size()).sum();
        assertThat(r.output).contains(" " + series + " ");
    }

    @Test
    void openMetricsParserRejectsWhatOurWriterMustNeverEmit() throws Exception {
        assertThat(backfill("# TYPE g gauge\ng 1\n# EOF\n").exit).isZero();
        assertThat(backfill("# TYPE g gauge\ng 1\n").exit).as("missing # EOF").isNotZero();
        assertThat(backfill("# TYPE g untyped\ng 1\n# EOF\n").exit)
                .as("text-format type word")
                .isNotZero();
        assertThat(backfill("# TYPE g gauge\n# a comment\ng 1\n# EOF\n").exit)
                .as("free comment")
                .isNotZero();
    }

    private Result backfill(String om) throws Exception {
        String stamped = om.lines()
                .map(l -> l.startsWith("#") ? l : l + " 1700000000")
                .collect(Collectors.joining("\n", "", "\n"));
        Path in = dir.resolve("in-" + System.nanoTime() + ".om");
        Files.writeString(in, stamped);
        return run(
                null,
                promtoolPath(),
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                in.toString(),
                dir.resolve("blocks-" + System.nanoTime()).toString());
    }

    private Result promtool(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtoolPath()));
        cmd.addAll(List.of(args));
        return run(stdin, cmd.toArray(String[]::new));
    }

    static String promtoolPath() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("promtool not found on PATH: install the Debian package 'prometheus' "
                + "(listed in .ci/test-deps.txt)");
    }

    private Result run(String stdin, String... cmd) throws IOException, InterruptedException {
        Path out = dir.resolve("out-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        if (stdin != null) {
            Path in = dir.resolve("stdin-" + System.nanoTime());
            Files.writeString(in, stdin);
            pb.redirectInput(in.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private record Result(int exit, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }
}
