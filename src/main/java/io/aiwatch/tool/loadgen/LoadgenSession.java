package io.aiwatch.tool.loadgen;

import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.client.ClientConfig;
import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.live.MetricsServer;
import io.aiwatch.tool.loadgen.live.Progress;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.report.ConsoleSummary;
import io.aiwatch.tool.loadgen.report.HtmlReport;
import io.aiwatch.tool.loadgen.result.ResultFields;
import io.aiwatch.tool.loadgen.result.ResultFiles;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import io.aiwatch.tool.loadgen.schedule.ArrivalSchedule;
import io.aiwatch.tool.loadgen.schedule.TimingPriority;
import io.aiwatch.tool.loadgen.workload.Conversation;
import io.aiwatch.tool.loadgen.workload.DatasetLoader;
import io.aiwatch.tool.loadgen.workload.HfTokenizer;
import io.aiwatch.tool.loadgen.workload.PromptText;
import io.aiwatch.tool.loadgen.workload.PromptTokenizer;
import io.aiwatch.tool.loadgen.workload.WorkloadSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code aiwatch loadgen} invocation: builds the workload, runs every rate step, prints and
 * writes the results. {@link #interrupt()} is the Ctrl-C path: it stops the current step, lets
 * {@link #execute()} write what was measured so far, and returns once that is on disk.
 */
public final class LoadgenSession {
    private final ClientConfig clientConfig;
    private final WorkloadSpec workload;
    private final Path tokenizerPath;
    private final RunSpec runSpec;
    private final StatsOptions statsOptions;
    private final OutputConfig output;
    private final SweepConfig sweep;
    private final SessionOptions session;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile LoadRunner current;
    private volatile boolean interrupted;
    private volatile int metricsPort = -1;

    private volatile GenAiSpans spans;

    public LoadgenSession(
            ClientConfig clientConfig,
            WorkloadSpec workload,
            Path tokenizerPath,
            RunSpec runSpec,
            StatsOptions statsOptions,
            OutputConfig output,
            SweepConfig sweep,
            PrintStream out,
            PrintStream err) {
        this(
                clientConfig,
                workload,
                tokenizerPath,
                runSpec,
                statsOptions,
                output,
                sweep,
                SessionOptions.plain(clientConfig.endpoint(), workload.ignoreEos()),
                out,
                err);
    }

    public LoadgenSession(
            ClientConfig clientConfig,
            WorkloadSpec workload,
            Path tokenizerPath,
            RunSpec runSpec,
            StatsOptions statsOptions,
            OutputConfig output,
            SweepConfig sweep,
            SessionOptions session,
            PrintStream out,
            PrintStream err) {
        this.clientConfig = clientConfig;
        this.workload = workload;
        this.tokenizerPath = tokenizerPath;
        this.runSpec = runSpec;
        this.statsOptions = statsOptions;
        this.output = output;
        this.sweep = sweep;
        this.session = session;
        this.out = out;
        this.err = err;
    }

    /** Runs all steps; returns the results in order (also written to files as configured). */
    public List<Map<String, Object>> execute() throws InterruptedException {
        try {
            return executeSteps();
        } finally {
            finished.countDown();
        }
    }

    /** Ctrl-C: stop sending, cancel what is in flight, and wait (up to 30 s) until results are written. */
    public void interrupt() {
        interrupted = true;
        LoadRunner r = current;
        if (r != null) {
            r.stop();
        }
        try {
            finished.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records one span per request into {@code spans} (null: none); call before {@link #execute()}. */
    public LoadgenSession tracing(GenAiSpans spans) {
        this.spans = spans;
        return this;
    }

    /** The live metrics port once listening (useful with --metrics-port 0), else -1. */
    public int metricsPort() {
        return metricsPort;
    }

    private List<Map<String, Object>> executeSteps() throws InterruptedException {
        // vLLM: --model gives the model id (requests carry --served-model-name if given); without it the
        // first served model's id is the name requests carry and its root the model id
        String model;
        String modelId;
        if (clientConfig.model() != null) {
            model = clientConfig.model();
            modelId = clientConfig.model();
        } else {
            String[] first =
                    ServerCalls.firstModel(clientConfig, session.shape().headers());
            model = first[0];
            modelId = first[1];
        }
        StatsOptions stats = new StatsOptions(
                statsOptions.percentileMetrics(),
                statsOptions.percentiles(),
                statsOptions.goodputSlosMs(),
                session.shape().backend(),
                statsOptions.label(),
                modelId,
                statsOptions.tokenizerId(),
                statsOptions.lagWarnMs(),
                statsOptions.metadata(),
                session.rampUp(),
                statsOptions.skipTokenizerInit());
        List<Conversation> items;
        try (PromptTokenizer tok = tokenizerPath == null ? null : HfTokenizer.load(tokenizerPath)) {
            items = DatasetLoader.load(workload, new PromptText(tok));
        }
        LiveMetrics live = new LiveMetrics(runSpec.workerIndex());
        List<Map<String, Object>> results = new ArrayList<>();
        try (OpenAiClient client = new OpenAiClient(
                                clientConfig.baseUrl(),
                                clientConfig.endpoint(),
                                model,
                                clientConfig.stream(),
                                clientConfig.apiKey(),
                                clientConfig.threads(),
                                System::nanoTime,
                                clientConfig.transport(),
                                session.shape())
                        .tracing(spans);
                MetricsServer server = output.metricsPort() >= 0
                        ? new MetricsServer(output.metricsHost(), output.metricsPort(), live)
                        : null) {
            if (server != null) {
                metricsPort = server.port();
                err.println("live metrics on http://" + output.metricsHost() + ":" + server.port() + "/metrics");
            }
            LoadRunner runner = new LoadRunner(client, items, live).keepTexts(output.saveDetailed());
            Conversation.Turn first = items.get(0).turns().get(0);
            byte[] firstBody = client.body(List.of(), first.text(), first.maxTokens());
            if (session.readyCheckTimeoutSec() > 0) {
                ServerCalls.waitReady(client, firstBody, first.promptTokens(), session.readyCheckTimeoutSec(), err);
            }
            if (session.profile() && ServerCalls.profile(clientConfig, "/start_profile", firstBody)) {
                err.println("Profiler started");
            }
            boolean multi = sweep.search() || sweep.rates().size() > 1;
            java.util.function.DoubleFunction<Map<String, Object>> step = rate -> {
                if (interrupted) {
                    throw new StepInterrupted();
                }
                try {
                    return runStep(runner, live, rate, stats, multi);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StepInterrupted();
                }
            };
            List<Sweep.Step> steps = new ArrayList<>();
            try {
                steps = sweep.search()
                        ? Sweep.search(
                                sweep.minRate(),
                                sweep.maxRate(),
                                sweep.tolerance(),
                                sweep.maxSteps(),
                                sweep.slos(),
                                r -> record(results, step.apply(r)))
                        : Sweep.list(sweep.rates(), sweep.slos(), r -> record(results, step.apply(r)));
            } catch (StepInterrupted e) {
                // Ctrl-C between or during steps: what ran is already written
            }
            if (multi && !results.isEmpty()) {
                writeSweepSummary(steps, stats);
            }
            if (session.profile() && ServerCalls.profile(clientConfig, "/stop_profile", firstBody)) {
                err.println("Profiler stopped");
            }
        }
        return results;
    }

    private static Map<String, Object> record(List<Map<String, Object>> results, Map<String, Object> r) {
        results.add(r);
        if (Boolean.TRUE.equals(r.get("interrupted"))) {
            throw new StepInterrupted();
        }
        return r;
    }

    private Map<String, Object> runStep(
            LoadRunner runner, LiveMetrics live, double rate, StatsOptions stats, boolean multi)
            throws InterruptedException {
        RunSpec spec = runSpec.withRate(rate);
        int n = spec.scheduledRequests();
        boolean unbounded = !spec.openLoop() && spec.durationSeconds() > 0;
        StatsOptions.RampUp ramp = session.rampUp();
        ArrivalSchedule schedule = unbounded
                ? new ArrivalSchedule(new long[0], new int[0], rate)
                : ramp != null
                        ? ArrivalSchedule.rampUp(
                                        n,
                                        ramp.strategy().equals("exponential"),
                                        ramp.startRps(),
                                        ramp.endRps(),
                                        spec.burstiness(),
                                        spec.seed())
                                .forWorker(spec.workerIndex(), spec.workerCount())
                        : ArrivalSchedule.of(n, rate, spec.burstiness(), spec.seed())
                                .forWorker(spec.workerIndex(), spec.workerCount());
        err.println("loadgen: "
                + (unbounded ? "closed loop for " + spec.durationSeconds() + " s" : schedule.size() + " requests")
                + " at "
                + (ramp != null
                        ? ramp.strategy() + " ramp-up " + ramp.startRps() + " -> " + ramp.endRps() + " req/s"
                        : spec.openLoop() ? rate + " req/s" : "max rate")
                + (spec.maxConcurrency() > 0 ? ", max concurrency " + spec.maxConcurrency() : "")
                + (spec.workerCount() > 1 ? ", worker " + spec.workerIndex() + "/" + spec.workerCount() : ""));
        current = runner;
        RunResult result;
        try (Progress p = output.progress() ? new Progress(live, unbounded ? 0 : schedule.size(), err) : null) {
            result = runner.run(spec, schedule);
        } finally {
            current = null;
        }
        Map<String, Object> fields = ResultFields.compute(result, stats, output.saveDetailed());
        TimingPriority.Outcome pacer = runner.pacerPriority();
        fields.put("timing_thread_nice", pacer.nice());
        if (!pacer.raised()
                && spec.openLoop()
                && TimingPriority.requestedNice() != 0
                && fields.get("warnings") instanceof List<?> w) {
            @SuppressWarnings("unchecked")
            List<String> warnings = (List<String>) w;
            warnings.add("pacer ran at normal CPU priority (" + pacer.problem() + "): schedule lag grows when the"
                    + " server or other work keeps this host's CPUs busy");
        }
        out.print(ConsoleSummary.render(fields, stats));
        String suffix = multi ? (Double.isInfinite(rate) ? "inf" : fmt(rate)) + "qps" : null;
        Path resultFile = null;
        if (output.writesResult() || output.plotTimeline()) {
            String name = output.resultFilename() != null ? output.resultFilename() : ResultFiles.defaultName(fields);
            resultFile = output.resolve(name, output.resultFilename() != null ? suffix : null);
        }
        if (output.writesResult()) {
            if (output.appendResult()) {
                ResultFiles.appendJson(resultFile, fields);
            } else {
                ResultFiles.writeJson(resultFile, fields);
            }
            wrote(resultFile);
        }
        if (output.plotTimeline()) {
            String base = resultFile.getFileName().toString().replaceFirst("\\.json$", "");
            Path f = resultFile.resolveSibling(base + ".timeline.html");
            HtmlReport.write(f, fields, result.records());
            wrote(f);
        }
        if (output.requestsFile() != null) {
            Path f = output.resolve(output.requestsFile(), suffix);
            ResultFiles.writeRequests(f, result.records());
            wrote(f);
        }
        if (output.hdrLog() != null) {
            Path f = output.resolve(output.hdrLog(), suffix);
            ResultFiles.writeHdrLog(f, result.records(), result.startEpochMs());
            wrote(f);
        }
        if (output.htmlReport() != null) {
            Path f = output.resolve(output.htmlReport(), suffix);
            HtmlReport.write(f, fields, result.records());
            wrote(f);
        }
        return fields;
    }

    private void writeSweepSummary(List<Sweep.Step> steps, StatsOptions stats) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model_id", stats.modelId());
        summary.put("search", sweep.search());
        summary.put(
                "slos",
                sweep.slos().stream()
                        .map(s -> s.key() + (s.atMost() ? "<=" : ">=") + s.limit())
                        .toList());
        summary.put("best_request_rate", steps.isEmpty() || Double.isNaN(Sweep.best(steps)) ? null : Sweep.best(steps));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Sweep.Step s : steps) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("request_rate", Double.isInfinite(s.rate()) ? "inf" : s.rate());
            row.put("meets_slo", s.meetsSlo());
            for (String k : List.of(
                    "request_throughput",
                    "achieved_request_rate",
                    "p99_ttft_ms",
                    "p99_tpot_ms",
                    "p99_e2el_ms",
                    "p99_schedule_lag_ms",
                    "failed")) {
                row.put(k, s.result().get(k));
            }
            rows.add(row);
        }
        summary.put("steps", rows);
        if (sweep.search()) {
            out.println("sweep: highest rate meeting " + summary.get("slos") + ": "
                    + (summary.get("best_request_rate") == null
                            ? "none"
                            : summary.get("best_request_rate") + " req/s"));
        }
        if (output.saveResult()) {
            Path f = output.resolve((stats.label() != null ? stats.label() : stats.backend()) + "-sweep.json", null);
            ResultFiles.writeJson(f, summary);
            wrote(f);
        }
    }

    private void wrote(Path f) {
        err.println("wrote " + f);
    }

    private static String fmt(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    /** Unwinds the sweep when the run was interrupted. */
    private static final class StepInterrupted extends RuntimeException {
        StepInterrupted() {
            super(null, null, false, false);
        }
    }
}
