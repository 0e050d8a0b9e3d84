package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadbench.bench.BenchReport;
import io.aiwatch.tool.loadbench.bench.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiwatch bench load} end to end on this machine's disk, with fio, small enough for CI. */
class BenchLoadCommandTest {
    @TempDir
    Path out;

    @Test
    void runsBesideFioWritesTheReportAndLeavesNothingBehind() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "loadbench-scratch", "cli-" + System.nanoTime()));
        int rc = Main.run(
                "bench",
                "load",
                "--dir",
                dir.toString(),
                "--size",
                "16m",
                "--tiers",
                "disk",
                "--method",
                "buffered,direct",
                "--readers",
                "1",
                "--iterations",
                "1",
                "--random",
                "4k:32",
                "--random-ops",
                "300",
                "--warm-seconds",
                "0.1",
                "--out",
                out.toString());
        assertThat(rc).isIn(0, 1); // 1 = a ratio outside ±5 %, possible on a busy build machine
        BenchReport r = ReportWriter.readJson(out.resolve("report.json"));
        assertThat(r.tiers()).hasSize(1);
        assertThat(r.tiers().get(0).fsType()).isNotEmpty();
        // buffered and direct, cold and warm, aiwatch and fio, plus one random pattern for each tool
        assertThat(r.runs()).hasSize(2 * 2 * 2 + 2);
        assertThat(r.runs()).allSatisfy(run -> assertThat(run.bytes()).isPositive());
        assertThat(r.comparisons()).hasSize(5);
        assertThat(r.negatives()).isEmpty();
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("## What the daemon saw")
                .contains("| disk | load buffered x1 1MiB | cold | 1 |");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("files left in %s", dir).isEmpty();
        }
        Files.delete(dir);
    }

    @Test
    void refusesAFileLargerThanTheDiskAsANegativeResult() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "loadbench-scratch", "big-" + System.nanoTime()));
        int rc = Main.run(
                "bench",
                "load",
                "--dir",
                dir.toString(),
                "--size",
                "1000t",
                "--no-fio",
                "--iterations",
                "1",
                "--out",
                out.toString());
        BenchReport r = ReportWriter.readJson(out.resolve("report.json"));
        assertThat(rc).isEqualTo(1);
        assertThat(r.runs()).isEmpty();
        assertThat(r.negatives()).singleElement().asString().contains("refusing a 1000.0 TiB file");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
        Files.delete(dir);
    }
}
