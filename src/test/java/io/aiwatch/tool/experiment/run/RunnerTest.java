package io.aiwatch.tool.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.experiment.FakeWorkloadType;
import io.aiwatch.tool.experiment.Plugins;
import io.aiwatch.tool.experiment.analysis.Compare;
import io.aiwatch.tool.experiment.analysis.Reports;
import io.aiwatch.tool.experiment.analysis.Results;
import io.aiwatch.tool.experiment.spec.LoadedSpec;
import io.aiwatch.tool.experiment.spec.SpecLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's path with a fake workload and no daemon: conditions, failures, crashes, Ctrl-C, resume. */
class RunnerTest {
    static final Plugins PLUGINS = Plugins.discover().add(new FakeWorkloadType());
    static final DaemonStarter NO_DAEMON = n -> {
        throw new AssertionError("these specs record no daemon");
    };

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private LoadedSpec spec(String body) throws Exception {
        String text = """
                id: T-RUN
                title: runner test
                hypothesis: higher levels are slower
                duration: 1s
                record: {daemon: none}
                objectives:
                  - {metric: p99_latency_ms, at_most: 25}
                """ + body;
        Path f = tmp.resolve("spec-" + Math.abs(text.hashCode()) + ".yaml");
        Files.writeString(f, text);
        return new SpecLoader(PLUGINS).load(f, false);
    }

    private ExperimentRunner runner(LoadedSpec s, Path dir, boolean resume) {
        return new ExperimentRunner(
                s, dir, resume, NO_DAEMON, new PrintStream(console, true, StandardCharsets.UTF_8), HostProbe.system());
    }

    @Test
    void aConditionThatNeverHoldsFailsTheIterationAndTheReportSaysWhy() throws Exception {
        LoadedSpec s = spec("""
                iterations: 2
                workload: {kind: fake, level: 10}
                conditions:
                  - {kind: host_load, max_per_core: 0.000001, timeout: 300ms, poll: 100ms}
                """);
        Path dir = tmp.resolve("run");
        ExperimentRunner.Outcome o = runner(s, dir, false).run();
        assertThat(o.state()).isEqualTo("complete");
        assertThat(o.failed()).isEqualTo(2);
        Results r = Reports.write(dir);
        assertThat(r.steps().get(0).ok()).isZero();
        assertThat(r.failures())
                .extracting(Results.Failure::text)
                .anySatisfy(t -> assertThat(t)
                        .contains("s01")
                        .contains("failed: condition did not hold within 300ms")
                        .contains("host load average (1 min) per CPU at most 0.00")
                        .contains("last observed: load "));
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md.substring(md.indexOf("## Failures and negative results")))
                .contains("condition did not hold within 300ms")
                .contains("no successful iteration");
        IterationRecord it =
                RunDirectory.readJson(dir.resolve("iterations/0000-s01-i1/iteration.json"), IterationRecord.class);
        assertThat(it.conditions().get(0).held()).isFalse();
        assertThat(it.conditions().get(0).waitedS()).isBetween(0.3, 5.0);
        assertThat(it.conditions().get(0).checks()).isGreaterThanOrEqualTo(3);
        assertThat(Files.readString(dir.resolve("report.html"))).contains("condition did not hold within 300ms");
    }

    @Test
    void statisticsAcrossIterationsAndPooledPercentilesComeFromTheRawFiles() throws Exception {
        LoadedSpec s = spec("""
                iterations: 3
                workload: {kind: fake, level: 10, rate: 1}
                variables:
                  - {name: rate, sweep: true, levels: [1, 5, 10]}
                  - {name: level, levels: [20]}
                claims:
                  - {statement: higher level is slower, metric: mean_latency_ms, expect: higher,
                     when: {level: 20, rate: 1}, than: {rate: 1}}
                """);
        Path dir = tmp.resolve("stats");
        assertThat(runner(s, dir, false).run().ok()).isEqualTo(18);
        Results r = Reports.write(dir);
        Results.StepResult s1 = r.steps().get(0);
        List<Double> perIteration = new ArrayList<>();
        org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(3);
        for (int i = 0; i < 3; i++) {
            Path it = dir.resolve(String.format("iterations/%04d-s01-i%d", i * 6, i + 1));
            List<Map<String, Object>> recs = RunDirectory.readRecords(it.resolve(RunDirectory.RECORDS));
            double sum = 0;
            for (Map<String, Object> rec : recs) {
                long ns = ((Number) rec.get("latency_ns")).longValue();
                sum += ns / 1e6;
                all.recordValue(ns);
            }
            perIteration.add(sum / recs.size());
        }
        double mean =
                perIteration.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(s1.metrics().get("mean_latency_ms").mean())
                .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s1.metrics().get("mean_latency_ms").n()).isEqualTo(3);
        assertThat(s1.pooled().get("p99_latency_ms").value()).isEqualTo(all.getValueAtPercentile(99) / 1e6);
        assertThat(r.claims().get(0).verdict()).isEqualTo("holds");
        // level 10 x (1 + rate/10) meets p99 <= 25 ms only at rate 1; level 20 never
        assertThat(r.knees())
                .extracting(Results.Knee::setting, Results.Knee::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("baseline", "knee"),
                        org.assertj.core.groups.Tuple.tuple("level=20", "none"));
        assertThat(r.knees().get(0).knee()).isEqualTo(1.0);
        assertThat(Files.readString(dir.resolve(RunDirectory.CHECKSUMS)))
                .contains("iterations/0000-s01-i1/records.jsonl.gz");
    }

    @Test
    void aCrashedWorkloadStopsTheRunIncompleteAndResumeRetriesIt() throws Exception {
        LoadedSpec s = spec("""
                iterations: 3
                workload: {kind: fake, level: 10, crash_iteration: 2}
                """);
        Path dir = tmp.resolve("crash");
        ExperimentRunner.Outcome first = runner(s, dir, false).run();
        assertThat(first.state()).isEqualTo("incomplete");
        assertThat(first.ok()).isEqualTo(1);
        assertThat(first.reason()).contains("crashed").contains("fake crash");
        RunManifest m = RunManifest.read(dir.resolve(RunDirectory.MANIFEST));
        assertThat(m.iterations().get(1).status()).isEqualTo(RunManifest.CRASHED);
        assertThat(Files.readString(dir.resolve("iterations/0001-s01-i2/workload.log")))
                .contains("IllegalStateException");
        Results partial = Reports.write(dir);
        assertThat(partial.state()).isEqualTo("incomplete");
        assertThat(partial.failures().get(0).text()).startsWith("run incomplete: 2 of 3 iterations");

        ExperimentRunner.Outcome resumed = runner(s, dir, true).run();
        assertThat(resumed.state()).isEqualTo("complete");
        assertThat(resumed.ok()).isEqualTo(3);
        assertThat(dir.resolve("iterations/0001-s01-i2/iteration.json")).exists(); // the crash is kept
        assertThat(dir.resolve("iterations/0001-s01-i2-a2/iteration.json")).exists();
        assertThat(dir.resolve("environment-2.json")).exists();
        Results r = Reports.write(dir);
        assertThat(r.steps().get(0).ok()).isEqualTo(3);
        assertThat(r.failures())
                .extracting(Results.Failure::text)
                .anySatisfy(t -> assertThat(t).contains("iteration 2: crashed: IllegalStateException: fake crash"));
    }

    @Test
    void ctrlCKeepsWhatRanAndResumeContinuesFromTheLastFinishedIteration() throws Exception {
        FakeWorkloadType.started = new CountDownLatch(1);
        LoadedSpec s = spec("""
                iterations: 2
                workload: {kind: fake, level: 10, block_iteration: -1}
                variables:
                  - {name: block_iteration, levels: [1]}
                """);
        Path dir = tmp.resolve("ctrlc");
        ExperimentRunner r = runner(s, dir, false);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<ExperimentRunner.Outcome> f = ex.submit(r::run);
            assertThat(FakeWorkloadType.started.await(20, TimeUnit.SECONDS)).isTrue();
            r.interrupt();
            ExperimentRunner.Outcome o = f.get(20, TimeUnit.SECONDS);
            assertThat(o.state()).isEqualTo("incomplete");
            assertThat(o.ok()).isEqualTo(1);
        } finally {
            ex.shutdownNow();
        }
        RunManifest m = RunManifest.read(dir.resolve(RunDirectory.MANIFEST));
        assertThat(m.iterations())
                .extracting(RunManifest.Slot::status)
                .containsExactly("ok", "interrupted", "pending", "pending");
        assertThat(m.sessions().get(0).endState()).isEqualTo("interrupted");
        ExperimentRunner.Outcome o = runner(s, dir, true).run();
        assertThat(o.state()).isEqualTo("complete");
        assertThat(o.ok()).isEqualTo(4);
        assertThat(dir.resolve("iterations/0000-s01-i1-a2")).doesNotExist(); // finished iterations are not re-run
    }

    @Test
    void compareShowsRatiosAndWhetherADifferenceExceedsTheNoise() throws Exception {
        LoadedSpec s = spec("""
                iterations: 3
                workload: {kind: fake, level: 10}
                """);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        runner(s, a, false).run();
        Reports.write(a);
        FakeWorkloadType.scale = 1.5;
        try {
            runner(s, b, false).run();
        } finally {
            FakeWorkloadType.scale = 1;
        }
        String md = Compare.of(a, b).markdown();
        String row = md.lines()
                .filter(l -> l.contains("| mean_latency_ms |"))
                .findFirst()
                .orElseThrow();
        assertThat(row).matches(".*\\| 1\\.[45]\\d* \\|.*").endsWith("| YES |");
        String same = Compare.of(a, a).markdown();
        assertThat(same.lines()
                        .filter(l -> l.contains("| mean_latency_ms |"))
                        .findFirst()
                        .orElseThrow())
                .contains("| 1 |")
                .endsWith("| no |");
    }
}
