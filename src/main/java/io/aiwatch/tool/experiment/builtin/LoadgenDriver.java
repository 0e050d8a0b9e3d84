package io.aiwatch.tool.experiment.builtin;

import io.aiwatch.tool.loadgen.LoadRunner;
import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.result.MetricHistograms;
import io.aiwatch.tool.loadgen.result.ResultFields;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import io.aiwatch.tool.loadgen.schedule.ArrivalSchedule;
import io.aiwatch.tool.loadgen.workload.Conversation;
import io.aiwatch.tool.loadgen.workload.DatasetLoader;
import io.aiwatch.tool.loadgen.workload.PromptText;
import io.aiwatch.tool.loadgen.workload.WorkloadSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The one class that drives the load generator ({@code io.aiwatch.tool.loadgen}) for the {@code
 * loadgen} workload: builds the dataset, runs one open- or closed-loop schedule, and turns the
 * requests into raw records (wall-clock nanoseconds, as measured), vLLM's result fields and
 * histograms (in the workload's time scale).
 */
final class LoadgenDriver implements AutoCloseable {
    static final List<String> METRICS = List.of("ttft", "tpot", "itl", "e2el");

    private final OpenAiClient client;
    private final LoadRunner runner;
    private final String model;

    LoadgenDriver(LoadgenParameters p, String baseUrl, String model, long seed) {
        this.model = model;
        WorkloadSpec ws = new WorkloadSpec(
                p.dataset(),
                p.datasetPath() == null ? null : Path.of(p.datasetPath()),
                p.inputLen(),
                p.outputLen(),
                p.rangeRatio(),
                p.prefixGroups(),
                p.prefixLen(),
                3,
                0,
                false,
                p.numPrompts(),
                seed);
        List<Conversation> items = DatasetLoader.load(ws, new PromptText(null));
        String key = p.apiKeyEnv() == null ? null : System.getenv(p.apiKeyEnv());
        this.client = new OpenAiClient(baseUrl, p.endpoint(), model, true, ws.ignoreEos(), key, 4, System::nanoTime);
        this.runner = new LoadRunner(client, items, new LiveMetrics(0));
    }

    /** Runs one schedule at {@code rate} (wall requests/s) for {@code seconds} (wall) of which {@code warmupSeconds} are excluded. */
    RunResult run(
            LoadgenParameters p,
            double rate,
            double seconds,
            double warmupSeconds,
            java.time.Duration timeout,
            long seed)
            throws InterruptedException {
        RunSpec spec = new RunSpec(
                rate,
                p.burstiness(),
                p.maxConcurrency(),
                p.numPrompts(),
                seconds,
                warmupSeconds,
                0,
                seed,
                0,
                1,
                0,
                timeout,
                java.time.Duration.ZERO);
        ArrivalSchedule schedule = spec.openLoop()
                ? ArrivalSchedule.of(spec.scheduledRequests(), rate, p.burstiness(), seed)
                : new ArrivalSchedule(new long[0], new int[0], rate);
        return runner.run(spec, schedule);
    }

    void stop() {
        runner.stop();
    }

    /** The raw record of one request: wall-clock nanoseconds after the run's start, as measured. */
    static Map<String, Object> record(RequestRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", r.position());
        m.put("outcome", r.outcome().label());
        m.put("due_ns", r.dueNanos());
        m.put("send_ns", r.sendNanos());
        m.put("first_token_ns", r.firstTokenNanos());
        m.put("last_token_ns", r.lastTokenNanos());
        m.put("prompt_tokens", r.promptTokens());
        m.put("output_tokens", r.outputTokens());
        m.put("usage_reported", r.usageReported());
        m.put("streamed", r.streamed());
        m.put("itl_ns", r.itlNanos());
        if (r.error() != null) {
            m.put("error", r.error());
        }
        return m;
    }

    /** The run with every time multiplied by {@code scale} (a simulator's speed-up undone). */
    static RunResult scaled(RunResult run, double scale) {
        if (scale == 1) {
            return run;
        }
        List<RequestRecord> out = new ArrayList<>(run.records().size());
        for (RequestRecord r : run.records()) {
            long[] itl = new long[r.itlNanos().length];
            for (int i = 0; i < itl.length; i++) {
                itl[i] = Math.round(r.itlNanos()[i] * scale);
            }
            out.add(new RequestRecord(
                    r.position(),
                    Math.round(r.dueNanos() * scale),
                    Math.round(r.sendNanos() * scale),
                    r.firstTokenNanos() < 0 ? -1 : Math.round(r.firstTokenNanos() * scale),
                    r.lastTokenNanos() < 0 ? -1 : Math.round(r.lastTokenNanos() * scale),
                    r.promptTokens(),
                    r.outputTokens(),
                    r.usageReported(),
                    itl,
                    r.streamed(),
                    r.outcome(),
                    r.error()));
        }
        RunSpec s = run.spec();
        RunSpec spec = new RunSpec(
                s.requestRate() / scale,
                s.burstiness(),
                s.maxConcurrency(),
                s.numPrompts(),
                s.durationSeconds() * scale,
                s.warmupSeconds() * scale,
                s.numWarmups(),
                s.seed(),
                s.workerIndex(),
                s.workerCount(),
                s.startAtEpochMs(),
                s.requestTimeout(),
                s.thinkTime());
        return new RunResult(
                out,
                run.requestRate() / scale,
                spec,
                run.startEpochMs(),
                Math.round(run.durationNanos() * scale),
                run.warmupExcluded(),
                run.interrupted());
    }

    /** vLLM's result fields (request_throughput, p99_ttft_ms, ...) of a run. */
    Map<String, Object> fields(RunResult run) {
        StatsOptions o = new StatsOptions(
                List.of("ttft", "tpot", "itl", "e2el", "schedule_lag"),
                List.of(50.0, 90.0, 95.0, 99.0),
                Map.of(),
                "openai",
                "experiment",
                model,
                null,
                10.0);
        return ResultFields.compute(run, o, false);
    }

    /** HdrHistograms (ns) of ttft, tpot, itl, e2el, schedule_lag over the run's successful requests. */
    static Map<String, Histogram> histograms(RunResult run) {
        MetricHistograms h = MetricHistograms.of(run.records(), run.spec().openLoop());
        Map<String, Histogram> out = new LinkedHashMap<>();
        for (String m : MetricHistograms.METRICS) {
            if (h.get(m).getTotalCount() > 0) {
                out.put(m, h.get(m));
            }
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
    }
}
