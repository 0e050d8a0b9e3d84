package io.aiwatch.tool.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.cli.Main;
import io.aiwatch.tool.loadgen.client.ClientConfig;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.result.ResultFiles;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import io.aiwatch.tool.loadgen.schedule.TimingPriority;
import io.aiwatch.tool.loadgen.workload.WorkloadSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadgenCommandTest {
    @TempDir
    Path dir;

    private FakeOpenAiServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeOpenAiServer();
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        server.close();
    }

    private int loadgen(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "loadgen";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(all);
    }

    @Test
    void runsEndToEndAndWritesEveryOutput() throws Exception {
        int code = loadgen(
                "--base-url",
                server.baseUrl(),
                "--num-prompts",
                "40",
                "--request-rate",
                "200",
                "--random-input-len",
                "8",
                "--random-output-len",
                "4",
                "--save-result",
                "--result-dir",
                dir.toString(),
                "--result-filename",
                "r.json",
                "--save-requests",
                "req.csv",
                "--hdr-log",
                "lat.hlog",
                "--html-report",
                "report.html",
                "--goodput",
                "ttft:1000",
                "e2el:2000",
                "--no-progress");
        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(out.toString())
                .contains(
                        "Serving Benchmark Result", "Successful requests:", "P99 TTFT (ms):", "Schedule lag p99 (ms):");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(dir.resolve("r.json").toFile(), Map.class);
        assertThat(r)
                .containsEntry("completed", 40)
                .containsEntry("model_id", "fake-model")
                .containsEntry("request_rate", 200.0);
        // the pacer's priority is part of the result: raised where permitted, else a warning says why not
        TimingPriority.Outcome pacer = TimingPriority.last();
        assertThat(r).containsEntry("timing_thread_nice", pacer.nice());
        if (pacer.raised()) {
            assertThat(pacer.nice()).isEqualTo(TimingPriority.DEFAULT_NICE);
        } else {
            assertThat(out.toString()).contains("pacer ran at normal CPU priority");
        }
        assertThat((double) r.get("request_goodput")).isPositive();
        assertThat(Files.readAllLines(dir.resolve("req.csv"))).hasSize(41);
        assertThat(Files.readString(dir.resolve("lat.hlog"))).contains("#[StartTime:", "Tag=e2el");
        assertThat(Files.readString(dir.resolve("report.html")))
                .contains("<svg", "Cumulative distributions", "<polyline");
    }

    @Test
    void aRateListRunsOneStepPerRateAndMergeCombinesWorkers() throws Exception {
        int code = loadgen(
                "--base-url",
                server.baseUrl(),
                "--model",
                "m",
                "--num-prompts",
                "20",
                "--request-rate",
                "100,200",
                "--save-result",
                "--result-dir",
                dir.toString(),
                "--result-filename",
                "s.json",
                "--random-input-len",
                "4",
                "--random-output-len",
                "2",
                "--no-progress");
        assertThat(code).as(err.toString()).isEqualTo(0);
        assertThat(dir.resolve("s-100qps.json")).exists();
        assertThat(dir.resolve("s-200qps.json")).exists();
        assertThat(dir.resolve("openai-sweep.json")).exists();
        assertThat(loadgen(
                        "merge",
                        dir.resolve("s-100qps.json").toString(),
                        dir.resolve("s-200qps.json").toString(),
                        "-o",
                        dir.resolve("m.json").toString()))
                .isEqualTo(0);
        assertThat(Files.readString(dir.resolve("m.json"))).contains("\"completed\" : 40");
    }

    @Test
    void badFlagsAndUnreadableDatasetsStopWithAClearMessage() {
        assertThat(loadgen("--request-rate", "fast")).isEqualTo(2);
        assertThat(err.toString()).contains("--request-rate: 'fast' is not a number");
        assertThat(loadgen("--worker-index", "3", "--worker-count", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--worker-index must be in [0, --worker-count)");
        assertThat(loadgen("--goodput", "ttft=5")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid format found for service level objectives");
        assertThat(loadgen("--percentile-metrics", "ttft,latency")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown metric 'latency'");
        assertThat(loadgen(
                        "--base-url",
                        server.baseUrl(),
                        "--model",
                        "m",
                        "--dataset-name",
                        "sharegpt",
                        "--dataset-path",
                        dir.resolve("nope.json").toString(),
                        "--no-progress"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("cannot read dataset --dataset-path")
                .contains("nope.json");
        assertThat(loadgen("--num-prompts", "many")).isNotZero();
        assertThat(err.toString()).contains("--num-prompts");
        assertThat(loadgen(
                        "merge",
                        dir.resolve("none.json").toString(),
                        "-o",
                        dir.resolve("x.json").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cannot read result");
    }

    @Test
    void ctrlCWritesTheResultsSoFar() throws Exception {
        server.ttftMs = 200;
        OutputConfig output =
                new OutputConfig(true, false, dir, "partial.json", "partial.jsonl", null, null, false, "127.0.0.1", -1);
        LoadgenSession session = new LoadgenSession(
                new ClientConfig(server.baseUrl(), "/v1/completions", "m", null, true, 2, "auto"),
                WorkloadSpec.random(1000, 4, 2, 1),
                null,
                new RunSpec(20, 1, 0, 1000, 0, 0, 0, 1, 0, 1, 0, Duration.ofSeconds(30), Duration.ZERO),
                StatsOptions.defaults("m"),
                output,
                SweepConfig.single(20),
                new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(new ByteArrayOutputStream(), true));
        AtomicReference<List<Map<String, Object>>> results = new AtomicReference<>();
        Thread main = new Thread(() -> {
            try {
                results.set(session.execute());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        main.start();
        // Some requests finished and others are still in flight: on a loaded machine 10 arrivals
        // alone could all still be waiting for their first token.
        assertThat(server.awaitCompletedStreams(3, 10_000)).isTrue();
        server.awaitRequests(10, 5_000);
        long t = System.nanoTime();
        session.interrupt(); // what the shutdown hook runs on Ctrl-C
        assertThat(System.nanoTime() - t).isLessThan(10_000_000_000L);
        main.join(10_000);
        assertThat(dir.resolve("partial.json")).exists();
        Map<String, Object> r = ResultFiles.readJson(dir.resolve("partial.json"));
        assertThat(r).containsEntry("interrupted", true);
        assertThat((int) r.get("completed")).isBetween(1, 999);
        assertThat(Files.readAllLines(dir.resolve("partial.jsonl"))).isNotEmpty();
        assertThat(results.get()).hasSize(1);
    }

    @Test
    void twoWorkersShareTheScheduleAndTheirMergeCountsEveryRequestOnce() throws Exception {
        for (int w = 0; w < 2; w++) {
            assertThat(loadgen(
                            "--base-url",
                            server.baseUrl(),
                            "--model",
                            "m",
                            "--num-prompts",
                            "31",
                            "--request-rate",
                            "300",
                            "--worker-index",
                            String.valueOf(w),
                            "--worker-count",
                            "2",
                            "--random-input-len",
                            "4",
                            "--random-output-len",
                            "2",
                            "--save-result",
                            "--result-dir",
                            dir.toString(),
                            "--result-filename",
                            "w" + w + ".json",
                            "--no-progress"))
                    .as(err.toString())
                    .isZero();
        }
        Map<String, Object> w0 = ResultFiles.readJson(dir.resolve("w0.json"));
        Map<String, Object> w1 = ResultFiles.readJson(dir.resolve("w1.json"));
        assertThat(w0.get("completed")).isEqualTo(16);
        assertThat(w1.get("completed")).isEqualTo(15);
        assertThat(loadgen(
                        "merge",
                        dir.resolve("w0.json").toString(),
                        dir.resolve("w1.json").toString(),
                        "-o",
                        dir.resolve("all.json").toString()))
                .isZero();
        Map<String, Object> all = ResultFiles.readJson(dir.resolve("all.json"));
        assertThat(all.get("completed")).isEqualTo(31);
        assertThat(all.get("worker_count")).isEqualTo(2);
    }
}
