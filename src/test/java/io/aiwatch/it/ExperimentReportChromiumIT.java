package io.aiwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiwatch.collect.Labels;
import io.aiwatch.tool.experiment.FakeWorkloadType;
import io.aiwatch.tool.experiment.Plugins;
import io.aiwatch.tool.experiment.RecordedSample;
import io.aiwatch.tool.experiment.analysis.Reports;
import io.aiwatch.tool.experiment.run.ExperimentRunner;
import io.aiwatch.tool.experiment.run.HostProbe;
import io.aiwatch.tool.experiment.run.SampleLog;
import io.aiwatch.tool.experiment.spec.SpecLoader;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.report.HtmlReport;
import io.aiwatch.tool.loadgen.result.ResultFields;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An experiment report opened in a real browser (Debian's chromium, headless, over the DevTools
 * protocol): no console errors, nothing fetched from the network, and every plot rendered with
 * axes, ticks, units, lines, confidence bands, shaded throttling, and its legend below the data.
 */
class ExperimentReportChromiumIT {
    /** Facts about the loaded page and each of its plots, as JSON. */
    static final String PAGE_FACTS = """
                    JSON.stringify((() => {
                      const plots = [...document.querySelectorAll('svg.plot')];
                      return {
                        title: document.title,
                        scripts: document.querySelectorAll('script').length,
                        external: document.querySelectorAll('link[href], img[src], iframe, object').length,
                        failures: document.getElementById('failures') !== null,
                        tables: document.querySelectorAll('table').length,
                        plots: plots.map(p => {
                          const r = p.getBoundingClientRect();
                          const frame = p.querySelector('rect[fill="none"]').getBBox();
                          const legend = p.querySelector('g.legend').getBBox();
                          const lines = [...p.querySelectorAll('polyline.series')];
                          return {
                            title: p.querySelector('title').textContent,
                            w: r.width, h: r.height,
                            lines: lines.length,
                            length: lines.reduce((s, l) => s + l.getTotalLength(), 0),
                            points: p.querySelectorAll('circle').length,
                            bands: p.querySelectorAll('polygon.band').length,
                            shades: p.querySelectorAll('rect.shade').length,
                            ticks: [...p.querySelectorAll('text.tick')].map(t => t.textContent),
                            axes: [...p.querySelectorAll('text.axis-label')].map(t => t.textContent),
                            legendTop: legend.y, legendEntries: p.querySelectorAll('g.legend text').length,
                            frameBottom: frame.y + frame.height
                          };
                        })
                      };
                    })())
                    """;

    @TempDir
    Path tmp;

    @Test
    void theReportRendersItsPlotsOfflineWithoutConsoleErrors() throws Exception {
        Path run = report();
        try (HeadlessChromium chrome = HeadlessChromium.start(tmp.resolve("profile"))) {
            chrome.load(run.resolve("report.html").toUri().toString());
            JsonNode page = chrome.evaluate(PAGE_FACTS);
            chrome.settle(Duration.ofMillis(500));
            assertThat(chrome.problems)
                    .as("console errors, exceptions, log errors")
                    .isEmpty();
            assertThat(chrome.requests)
                    .as("requests the page made: only the file itself (self-contained, works offline)")
                    .allSatisfy(u -> assertThat(u).startsWith("file:"));
            assertThat(page.path("scripts").asInt()).isZero();
            assertThat(page.path("external").asInt()).isZero();
            assertThat(page.path("title").asText()).isEqualTo("T-CHROME: report in a browser");
            assertThat(page.path("failures").asBoolean()).isTrue();
            JsonNode plots = page.path("plots");
            assertThat(plots.size()).as("metric plots and GPU plots").isGreaterThanOrEqualTo(5);
            boolean log = checkPlots(plots);
            assertThat(log).as("latencies spanning decades get a log axis").isTrue();
            assertThat(plots.findValues("bands"))
                    .anySatisfy(b -> assertThat(b.asInt()).isPositive());
            JsonNode power = null;
            for (JsonNode p : plots) {
                if (p.path("title").asText().startsWith("GPU power")) {
                    power = p;
                }
            }
            assertThat(power).as("GPU power plot").isNotNull();
            assertThat(power.path("shades").asInt())
                    .as("throttled intervals shaded")
                    .isPositive();
        }
    }

    @Test
    void theLoadGeneratorsReportRendersOnTheSamePlots() throws Exception {
        List<RequestRecord> records = new ArrayList<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int i = 0; i < 300; i++) {
            long send = i * 50_000_000L;
            long ttft = (long) (20e6 * Math.exp(rnd.nextGaussian() * 1.2)); // spans decades
            long[] itl = new long[15];
            java.util.Arrays.fill(itl, 12_000_000L);
            long last = send + ttft + 15 * 12_000_000L;
            records.add(
                    new RequestRecord(i, send, send, send + ttft, last, 100, 16, true, itl, true, Outcome.OK, null));
        }
        RunSpec spec = RunSpec.of(20, 300);
        RunResult run = new RunResult(records, 20, spec, 1_700_000_000_000L, 16_000_000_000L, 0, false);
        Map<String, Object> fields = ResultFields.compute(run, StatsOptions.defaults("m"), false);
        Path file = tmp.resolve("loadgen.html");
        HtmlReport.write(file, fields, records);
        try (HeadlessChromium chrome = HeadlessChromium.start(tmp.resolve("profile2"))) {
            chrome.load(file.toUri().toString());
            JsonNode page = chrome.evaluate(PAGE_FACTS);
            chrome.settle(Duration.ofMillis(500));
            assertThat(chrome.problems).isEmpty();
            assertThat(chrome.requests).allSatisfy(u -> assertThat(u).startsWith("file:"));
            assertThat(page.path("scripts").asInt()).isZero();
            assertThat(page.path("plots").size()).isEqualTo(3);
            assertThat(checkPlots(page.path("plots")))
                    .as("a log axis for latencies spanning decades")
                    .isTrue();
            assertThat(page.path("tables").asInt()).as("the summary as tables").isEqualTo(3);
        }
    }

    /** Every plot drawn, with ticks, a unit on each axis and its legend below the data; true if one is log. */
    private static boolean checkPlots(JsonNode plots) {
        boolean log = false;
        for (JsonNode p : plots) {
            String t = p.path("title").asText();
            assertThat(p.path("w").asDouble()).as(t).isGreaterThan(300);
            assertThat(p.path("h").asDouble()).as(t).isGreaterThan(250);
            assertThat(p.path("lines").asInt() + p.path("points").asInt()).as(t).isPositive();
            assertThat(p.path("length").asDouble() + p.path("points").asInt())
                    .as(t + ": drawn")
                    .isGreaterThan(20);
            assertThat(p.path("ticks").size()).as(t).isGreaterThanOrEqualTo(6);
            p.path("ticks").forEach(x -> assertThat(x.asText()).as(t).isNotBlank());
            assertThat(p.path("axes").size()).isEqualTo(2);
            assertThat(p.path("axes").get(0).asText()).as(t + ": x label").isNotBlank();
            assertThat(p.path("axes").get(1).asText()).as(t + ": y unit").matches(".*\\(.+\\).*");
            assertThat(p.path("legendEntries").asInt()).as(t).isPositive();
            assertThat(p.path("legendTop").asDouble())
                    .as(t + ": the legend starts below the plot area")
                    .isGreaterThan(p.path("frameBottom").asDouble());
            log |= p.path("axes").toString().contains("log scale");
        }
        return log;
    }

    /** A small run of the fake workload, with GPU samples that include a power-capped interval. */
    private Path report() throws Exception {
        Path spec = tmp.resolve("spec.yaml");
        Files.writeString(spec, """
                id: T-CHROME
                title: report in a browser
                hypothesis: latency grows with rate and level
                iterations: 3
                duration: 1s
                record: {daemon: none}
                workload: {kind: fake, level: 1, rate: 1}
                variables:
                  - {name: rate, sweep: true, levels: [1, 10, 100, 1000]}
                  - {name: level, levels: [3]}
                objectives:
                  - {metric: p99_latency_ms, at_most: 50}
                report:
                  metrics: [p50_latency_ms, p99_latency_ms, throughput_per_s]
                """);
        Path run = tmp.resolve("run");
        new ExperimentRunner(
                        new SpecLoader(Plugins.discover().add(new FakeWorkloadType())).load(spec, false),
                        run,
                        false,
                        n -> {
                            throw new AssertionError("no daemon");
                        },
                        new PrintStream(java.io.OutputStream.nullOutputStream()),
                        HostProbe.system())
                .run();
        try (SampleLog log = new SampleLog(run.resolve("samples/samples-9.tsv.gz"))) {
            long t0 = 1_700_000_000_000L;
            Labels gpu = Labels.of("gpu", "0", "UUID", "GPU-test");
            for (int s = 0; s < 120; s++) {
                long t = t0 + s * 1000L;
                boolean busy = s >= 30 && s < 90;
                List<RecordedSample> samples = new ArrayList<>();
                samples.add(new RecordedSample(t, "daemon", "DCGM_FI_DEV_POWER_USAGE", gpu, busy ? 700 : 72));
                samples.add(
                        new RecordedSample(t, "daemon", "DCGM_FI_DEV_GPU_TEMP", gpu, 35 + (busy ? s - 30 : 0) * 0.4));
                samples.add(new RecordedSample(t, "daemon", "DCGM_FI_DEV_SM_CLOCK", gpu, busy ? 1755 : 345));
                samples.add(new RecordedSample(
                        t, "daemon", "aiwatch_gpu_clock_event_active", gpu.and("reason", "power_cap"), busy ? 1 : 0));
                log.scrape("daemon", t, samples);
            }
        }
        Reports.write(run);
        return run;
    }
}
