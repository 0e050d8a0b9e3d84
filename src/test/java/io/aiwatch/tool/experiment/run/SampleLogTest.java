package io.aiwatch.tool.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.tool.experiment.RecordedSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw sample file keeps every sample of every scrape, though it writes only changes. */
class SampleLogTest {
    @TempDir
    Path dir;

    private static RecordedSample s(long t, String name, double v, String... labels) {
        return new RecordedSample(t, "daemon", name, Labels.of(labels), v);
    }

    @Test
    void everySampleOfEveryScrapeComesBackThoughOnlyChangesAreWritten() throws IOException {
        Path f = dir.resolve("s.tsv.gz");
        try (SampleLog log = new SampleLog(f)) {
            log.scrape("daemon", 1000, List.of(s(1000, "temp", 40, "gpu", "0"), s(1000, "temp", 41, "gpu", "1")));
            log.scrape("daemon", 2000, List.of(s(2000, "temp", 40, "gpu", "0"), s(2000, "temp", 45, "gpu", "1")));
            log.error("daemon", 3000, "connection refused\twith a tab");
            log.scrape("daemon", 4000, List.of(s(4000, "temp", 39, "gpu", "0"))); // gpu 1 gone
            log.scrape(
                    "server",
                    4000,
                    List.of(new RecordedSample(4000, "server", "x_total", Labels.of("m", "a\\b\nc"), 7)));
        }
        List<RecordedSample> back = new ArrayList<>();
        SampleLog.read(f, back::add);
        assertThat(back)
                .extracting(r -> r.epochMs() + " " + r.endpoint() + " " + r.name() + " "
                        + r.labels().get("gpu") + " " + r.value())
                .containsExactly(
                        "1000 daemon temp 0 40.0",
                        "1000 daemon temp 1 41.0",
                        "2000 daemon temp 0 40.0",
                        "2000 daemon temp 1 45.0",
                        "4000 daemon temp 0 39.0",
                        "4000 server x_total null 7.0");
        assertThat(back.get(5).labels().get("m")).isEqualTo("a\\b\nc");
    }

    @Test
    void aFileCutOffByAKilledRunStillGivesItsCompleteScrapes() throws IOException {
        Path f = dir.resolve("s.tsv.gz");
        try (SampleLog log = new SampleLog(f)) {
            for (int t = 0; t < 200; t++) {
                log.scrape("daemon", t * 1000L, List.of(s(t * 1000L, "v", t, "gpu", "0")));
            }
        }
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 12)); // no gzip trailer
        List<RecordedSample> back = new ArrayList<>();
        SampleLog.read(f, back::add);
        assertThat(back).hasSizeGreaterThan(150);
        assertThat(back.get(back.size() - 1).value()).isEqualTo(back.size() - 1);
    }
}
