package io.aiwatch.tool.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.testing.ManualTicker;
import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.live.MetricsServer;
import io.aiwatch.tool.loadgen.live.Progress;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.result.ResultFields;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import io.aiwatch.tool.loadgen.schedule.ArrivalSchedule;
import io.aiwatch.tool.loadgen.workload.Conversation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {
    private FakeOpenAiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RunResult run(
            String endpoint, boolean stream, int n, double rate, Duration timeout, List<Conversation> items)
            throws InterruptedException {
        LiveMetrics live = new LiveMetrics(0);
        try (OpenAiClient client = new OpenAiClient(
                server.baseUrl(), endpoint, "fake-model", stream, true, "sk-secret", 2, System::nanoTime)) {
            LoadRunner runner = new LoadRunner(client, items, live);
            RunSpec spec = RunSpec.of(rate, n).withTimeout(timeout);
            return runner.run(spec, ArrivalSchedule.of(n, rate, 1, 1));
        }
    }

    private RunResult run(boolean stream, int n) throws InterruptedException {
        return run(
                "/v1/completions", stream, n, 200, Duration.ofSeconds(10), List.of(Conversation.single("hello", 1, 4)));
    }

    @Test
    void streamedRequestsGetTimingsAndTokenCountsFromUsage() throws Exception {
        server.tokens = 6;
        server.ttftMs = 20;
        server.itlMs = 5;
        RunResult r = run(true, 10);
        assertThat(r.records()).hasSize(10).allSatisfy(rec -> {
            assertThat(rec.outcome()).isEqualTo(Outcome.OK);
            assertThat(rec.usageReported()).isTrue();
            assertThat(rec.outputTokens()).isEqualTo(6);
            assertThat(rec.promptTokens()).isEqualTo(7);
            assertThat(rec.itlNanos()).hasSize(5);
            assertThat(rec.ttftNanos()).isGreaterThanOrEqualTo(20_000_000L);
            assertThat(rec.e2elNanos()).isGreaterThanOrEqualTo(45_000_000L).isGreaterThan(rec.ttftNanos());
            assertThat(rec.lagNanos()).isGreaterThanOrEqualTo(0);
        });
        assertThat(server.lastBody)
                .contains("\"stream\":true", "\"include_usage\":true", "\"max_tokens\":4", "\"ignore_eos\":true");
    }

    @Test
    void crlfSeparatedEventsAndChatDeltasAreParsed() throws Exception {
        server.mode = FakeOpenAiServer.Mode.CRLF;
        RunResult r = run(
                "/v1/chat/completions", true, 3, 100, Duration.ofSeconds(10), List.of(Conversation.single("hi", 1, 4)));
        assertThat(r.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.OK);
        assertThat(r.records().get(0).itlNanos()).hasSize(3);
        assertThat(server.lastBody).contains("\"messages\"", "\"max_completion_tokens\":4");
    }

    @Test
    void nonStreamedRequestsMeasureE2elOnly() throws Exception {
        RunResult r = run(false, 5);
        assertThat(r.records()).allSatisfy(rec -> {
            assertThat(rec.outcome()).isEqualTo(Outcome.OK);
            assertThat(rec.ttftNanos()).isEqualTo(-1);
            assertThat(rec.e2elNanos()).isPositive();
            assertThat(rec.outputTokens()).isEqualTo(4);
        });
    }

    @Test
    void serverErrorsAreCountedByReasonAndNeverRetried() throws Exception {
        server.mode = FakeOpenAiServer.Mode.HTTP_500;
        RunResult r = run(true, 4);
        assertThat(r.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.HTTP_5XX);
        assertThat(r.records().get(0).error()).contains("HTTP 500");
        assertThat(server.requests.get()).isEqualTo(4);
        server.mode = FakeOpenAiServer.Mode.HTTP_400;
        assertThat(run(true, 2).records()).extracting(RequestRecord::outcome).containsOnly(Outcome.HTTP_4XX);
    }

    @Test
    void aRequestPastItsTimeoutOnTheClientsClockIsFailedWithoutWaitingForIt() throws Exception {
        server.mode = FakeOpenAiServer.Mode.SLOW;
        server.slowMs = 3000;
        ManualTicker ticker = new ManualTicker();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (OpenAiClient client =
                new OpenAiClient(server.baseUrl(), "/v1/completions", "fake-model", true, true, null, 2, ticker)) {
            LoadRunner runner = new LoadRunner(client, List.of(Conversation.single("x", 1, 4)), new LiveMetrics(0));
            // closed loop: both are sent at once, no due time to wait for; the timeout is 60 s of the client's clock
            RunSpec spec = RunSpec.of(Double.POSITIVE_INFINITY, 2).withTimeout(Duration.ofSeconds(60));
            Future<RunResult> run =
                    pool.submit(() -> runner.run(spec, ArrivalSchedule.of(2, Double.POSITIVE_INFINITY, 1, 1)));
            assertThat(server.awaitRequests(2, 5_000)).isTrue();
            ticker.advance(Duration.ofSeconds(61));
            RunResult slow = run.get(10, TimeUnit.SECONDS); // long before 60 s of wall time
            assertThat(slow.records())
                    .hasSize(2)
                    .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT))
                    .allSatisfy(r -> assertThat(r.error()).isEqualTo("no complete response within 60000 ms"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void brokenStreamsAndErrorEventsAreClassified() throws Exception {
        server.mode = FakeOpenAiServer.Mode.BREAK_STREAM;
        server.tokens = 6;
        assertThat(run(true, 2).records()).extracting(RequestRecord::outcome).containsOnly(Outcome.BROKEN_STREAM);

        server.mode = FakeOpenAiServer.Mode.NO_DONE;
        assertThat(run(true, 2).records()).extracting(RequestRecord::outcome).containsOnly(Outcome.BROKEN_STREAM);

        server.mode = FakeOpenAiServer.Mode.ERROR_EVENT;
        RunResult err = run(true, 2);
        assertThat(err.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.STREAM_ERROR);
        assertThat(err.records().get(0).error()).contains("engine died");
    }

    @Test
    void connectionRefusedIsAConnectError() throws Exception {
        server.close();
        RunResult r = run(true, 2);
        assertThat(r.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.CONNECT_ERROR);
    }

    @Test
    void multiTurnSessionsCarryTheHistoryAndWaitTheThinkTime() throws Exception {
        Conversation conv = new Conversation(
                List.of(new Conversation.Turn("first question", 2, 3), new Conversation.Turn("second question", 2, 3)));
        LiveMetrics live = new LiveMetrics(0);
        try (OpenAiClient client = new OpenAiClient(
                server.baseUrl(), "/v1/chat/completions", "m", true, false, null, 2, System::nanoTime)) {
            RunSpec spec =
                    new RunSpec(50, 1, 0, 2, 0, 0, 0, 0, 0, 1, 0, Duration.ofSeconds(10), Duration.ofMillis(100));
            RunResult r = new LoadRunner(client, List.of(conv), live).run(spec, ArrivalSchedule.of(2, 50, 1, 1));
            assertThat(r.records())
                    .hasSize(4)
                    .extracting(RequestRecord::outcome)
                    .containsOnly(Outcome.OK);
            assertThat(server.lastBody).contains("first question", "t0 t1 t2", "second question");
            List<RequestRecord> p0 =
                    r.records().stream().filter(x -> x.position() == 0).toList();
            assertThat(p0.get(1).dueNanos() - p0.get(0).lastTokenNanos()).isGreaterThanOrEqualTo(99_000_000L);
        }
        assertThat(live.completed(Outcome.OK)).isEqualTo(4);
    }

    @Test
    void concurrencyCapLimitsRequestsInFlight() throws Exception {
        server.ttftMs = 30;
        LiveMetrics live = new LiveMetrics(0);
        try (OpenAiClient client =
                new OpenAiClient(server.baseUrl(), "/v1/completions", "m", true, true, null, 2, System::nanoTime)) {
            RunSpec spec = RunSpec.of(Double.POSITIVE_INFINITY, 20).withConcurrency(3);
            RunResult r = new LoadRunner(client, List.of(Conversation.single("x", 1, 2)), live)
                    .run(spec, ArrivalSchedule.of(20, Double.POSITIVE_INFINITY, 1, 1));
            assertThat(r.records()).hasSize(20);
            assertThat(ResultFields.maxConcurrency(r.records()))
                    .isLessThanOrEqualTo(3)
                    .isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void liveMetricsAreServedForPrometheus() throws Exception {
        LiveMetrics live = new LiveMetrics(1);
        try (MetricsServer ms = new MetricsServer("127.0.0.1", 0, live);
                OpenAiClient client = new OpenAiClient(
                        server.baseUrl(), "/v1/completions", "m", true, true, "sk-secret", 2, System::nanoTime)) {
            new LoadRunner(client, List.of(Conversation.single("x", 1, 2)), live)
                    .run(RunSpec.of(100, 5), ArrivalSchedule.of(5, 100, 1, 1));
            String text = new String(
                    new java.net.URL("http://127.0.0.1:" + ms.port() + "/metrics")
                            .openStream()
                            .readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text)
                    .contains(
                            "aiwatch_loadgen_requests_total{worker=\"1\",outcome=\"ok\"} 5",
                            "aiwatch_loadgen_requests_in_flight{worker=\"1\"} 0",
                            "aiwatch_loadgen_schedule_lag_seconds_count{worker=\"1\"} 5",
                            "aiwatch_loadgen_ttft_seconds_bucket{worker=\"1\",le=\"+Inf\"} 5")
                    .doesNotContain("sk-secret");
        }
        Map<String, Object> unused = Map.of();
        assertThat(unused).isEmpty();
    }

    @Test
    void theJdkTransportMeasuresAndClassifiesLikeTheNioOne() throws Exception {
        server.tokens = 5;
        LiveMetrics live = new LiveMetrics(0);
        try (OpenAiClient client = new OpenAiClient(
                server.baseUrl(), "/v1/completions", "m", true, true, null, 2, System::nanoTime, "jdk")) {
            RunResult ok = new LoadRunner(client, List.of(Conversation.single("x", 1, 5)), live)
                    .run(RunSpec.of(100, 4), ArrivalSchedule.of(4, 100, 1, 1));
            assertThat(ok.records()).allSatisfy(rec -> {
                assertThat(rec.outcome()).isEqualTo(Outcome.OK);
                assertThat(rec.itlNanos()).hasSize(4);
                assertThat(rec.outputTokens()).isEqualTo(5);
            });
            server.mode = FakeOpenAiServer.Mode.HTTP_500;
            RunResult bad = new LoadRunner(client, List.of(Conversation.single("x", 1, 5)), live)
                    .run(RunSpec.of(100, 2), ArrivalSchedule.of(2, 100, 1, 1));
            assertThat(bad.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.HTTP_5XX);
        }
    }

    @Test
    void hundredsOfConcurrentStreamsKeepTheirChunkTimings() throws Exception {
        BenchStreamServer bench = new BenchStreamServer(0, 20, 20);
        Thread t = new Thread(bench, "bench-server");
        t.setDaemon(true);
        t.start();
        LiveMetrics live = new LiveMetrics(0);
        try (OpenAiClient client = new OpenAiClient(
                "http://127.0.0.1:" + bench.port(), "/v1/completions", "m", true, true, null, 2, System::nanoTime)) {
            RunResult r = new LoadRunner(client, List.of(Conversation.single("x", 1, 10)), live)
                    .run(RunSpec.of(2000, 400), ArrivalSchedule.of(400, 2000, 1, 3));
            assertThat(r.records()).hasSize(400).allSatisfy(rec -> {
                assertThat(rec.outcome()).isEqualTo(Outcome.OK);
                assertThat(rec.outputTokens()).isEqualTo(10);
                assertThat(rec.itlNanos()).hasSize(9);
            });
            assertThat(ResultFields.maxConcurrency(r.records())).isGreaterThan(100);
            Map<String, Object> m = ResultFields.compute(r, StatsOptions.defaults("m"), false);
            assertThat((double) m.get("median_itl_ms")).isBetween(15.0, 60.0);
        }
    }

    @Test
    void progressLineShowsRateInFlightErrorsAndLag() {
        LiveMetrics live = new LiveMetrics(0);
        live.onSend(2_000_000, true);
        live.onDone(new RequestRecord(0, 0, 0, -1, -1, 1, 0, false, new long[0], true, Outcome.TIMEOUT, "t"));
        live.onSend(0, true);
        org.HdrHistogram.Histogram lag = new org.HdrHistogram.Histogram(3);
        lag.recordValue(2000);
        try (Progress p = new Progress(live, 10, new java.io.PrintStream(new java.io.ByteArrayOutputStream()))) {
            assertThat(p.render(2, 123.4, lag))
                    .contains("[======", "2/10", "123.4 req/s", "in-flight 1", "errors 1", "lag p99 2.00ms");
        }
    }

    @Test
    void aClosedLoopWithADurationStopsInTime() throws Exception {
        server.ttftMs = 10;
        LiveMetrics live = new LiveMetrics(0);
        try (OpenAiClient client =
                new OpenAiClient(server.baseUrl(), "/v1/completions", "m", true, true, null, 2, System::nanoTime)) {
            RunSpec spec = new RunSpec(
                    Double.POSITIVE_INFINITY, 1, 4, 10, 1.0, 0, 0, 0, 0, 1, 0, Duration.ofSeconds(10), Duration.ZERO);
            long t = System.nanoTime();
            RunResult r = new LoadRunner(client, List.of(Conversation.single("x", 1, 2)), live)
                    .run(spec, new ArrivalSchedule(new long[0], new int[0], Double.POSITIVE_INFINITY));
            assertThat(System.nanoTime() - t).isBetween(900_000_000L, 5_000_000_000L);
            assertThat(r.records().size()).isGreaterThan(20);
            assertThat(r.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.OK);
            assertThat(ResultFields.maxConcurrency(r.records())).isLessThanOrEqualTo(4);
        }
    }
}
