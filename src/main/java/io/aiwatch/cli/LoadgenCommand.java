package io.aiwatch.cli;

import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.LoadgenSession;
import io.aiwatch.tool.loadgen.OutputConfig;
import io.aiwatch.tool.loadgen.Sweep;
import io.aiwatch.tool.loadgen.SweepConfig;
import io.aiwatch.tool.loadgen.client.ClientConfig;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.result.Merge;
import io.aiwatch.tool.loadgen.result.ResultFiles;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import io.aiwatch.tool.loadgen.workload.WorkloadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aiwatch loadgen}: load against an OpenAI-compatible server; flags follow vllm bench serve. */
@Command(
        name = "loadgen",
        mixinStandardHelpOptions = true,
        subcommands = LoadgenCommand.MergeCommand.class,
        description =
                "Open- or closed-loop load against an OpenAI-compatible server (vllm bench serve's flags and metrics).")
public final class LoadgenCommand implements Callable<Integer> {
    @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8000", description = "Server root URL.")
    String baseUrl;

    @Option(
            names = "--endpoint",
            defaultValue = "/v1/completions",
            description = "/v1/completions or /v1/chat/completions.")
    String endpoint;

    @Option(names = "--model", description = "Model name (default: first of GET /v1/models).")
    String model;

    @Option(names = "--api-key", description = "Bearer token (default: $OPENAI_API_KEY).")
    String apiKey;

    @Option(names = "--no-stream", description = "Do not stream (TTFT/TPOT/ITL are then not measured).")
    boolean noStream;

    @Option(
            names = "--dataset-name",
            defaultValue = "random",
            description = "random, custom (JSONL), sharegpt, shared-prefix, multi-turn.")
    String datasetName;

    @Option(names = "--dataset-path", description = "JSONL or ShareGPT file.")
    Path datasetPath;

    @Option(names = "--tokenizer", description = "tokenizer.json (or its directory) for exact prompt lengths.")
    Path tokenizer;

    @Option(
            names = "--random-input-len",
            defaultValue = "1024",
            description = "Random prompt length in tokens (default: ${DEFAULT-VALUE}).")
    int inputLen;

    @Option(
            names = "--random-output-len",
            defaultValue = "128",
            description = "Output tokens per request (default: ${DEFAULT-VALUE}); also for JSONL lines without one.")
    int outputLen;

    @Option(
            names = "--random-range-ratio",
            defaultValue = "0.0",
            description = "Lengths uniform in [L(1-r), L(1+r)] (default: ${DEFAULT-VALUE}).")
    double rangeRatio;

    @Option(
            names = "--shared-prefix-groups",
            defaultValue = "8",
            description = "shared-prefix: groups sharing a prefix (default: ${DEFAULT-VALUE}).")
    int prefixGroups;

    @Option(
            names = "--shared-prefix-len",
            defaultValue = "512",
            description = "shared-prefix: prefix length in tokens (default: ${DEFAULT-VALUE}).")
    int prefixLen;

    @Option(names = "--num-turns", defaultValue = "3", description = "multi-turn: user turns per session.")
    int turns;

    @Option(names = "--think-time-ms", defaultValue = "0", description = "Pause before a session's next turn.")
    long thinkMs;

    @Option(
            names = "--sharegpt-output-len",
            defaultValue = "0",
            description = "Fixed ShareGPT output length (0: the reference answer).")
    int sharegptOutputLen;

    @Option(names = "--sharegpt-multi-turn", description = "Use all turns of ShareGPT conversations as sessions.")
    boolean sharegptMultiTurn;

    @Option(
            names = "--request-rate",
            split = ",",
            defaultValue = "inf",
            description = "req/s, 'inf', or a list for a sweep.")
    List<String> requestRates;

    @Option(
            names = "--burstiness",
            defaultValue = "1.0",
            description = "Gamma shape: 1 Poisson, <1 burstier, inf constant.")
    String burstiness;

    @Option(
            names = "--max-concurrency",
            defaultValue = "0",
            description = "Most requests in flight (0: no cap); with rate inf a closed loop.")
    int maxConcurrency;

    @Option(
            names = "--num-prompts",
            defaultValue = "1000",
            description = "Requests to send and distinct prompts to build (default: ${DEFAULT-VALUE}).")
    int numPrompts;

    @Option(names = "--duration", defaultValue = "0", description = "Seconds to run instead of --num-prompts.")
    double duration;

    @Option(names = "--warmup-seconds", defaultValue = "0", description = "Requests due before this are excluded.")
    double warmupSeconds;

    @Option(
            names = "--num-warmups",
            defaultValue = "0",
            description = "Copies of the first prompt sent before the run, never measured.")
    int numWarmups;

    @Option(names = "--request-timeout", defaultValue = "600", description = "Seconds per request.")
    double timeoutSeconds;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the schedule and the prompts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--percentile-metrics",
            defaultValue = "ttft,tpot,itl,e2el",
            description =
                    "Of ttft,tpot,itl,e2el,schedule_lag,client_queue_time,e2el_including_client_queue (default: ${DEFAULT-VALUE}).")
    String percentileMetrics;

    @Option(
            names = "--metric-percentiles",
            defaultValue = "50,90,95,99",
            description = "Percentiles to report (default: ${DEFAULT-VALUE}).")
    String metricPercentiles;

    @Option(names = "--goodput", arity = "1..*", description = "SLOs KEY:MS with KEY ttft, tpot or e2el.")
    List<String> goodput;

    @Option(names = "--label", description = "Run label (default: openai or openai-chat).")
    String label;

    @Option(names = "--save-result", description = "Write the vllm-bench-serve-compatible result JSON.")
    boolean saveResult;

    @Option(names = "--save-detailed", description = "Add per-request arrays to the result JSON.")
    boolean saveDetailed;

    @Option(names = "--result-dir", description = "Directory of every output file.")
    Path resultDir;

    @Option(names = "--result-filename", description = "Result JSON name (default: vLLM's naming).")
    String resultFilename;

    @Option(names = "--save-requests", description = "Per-request records, .jsonl or .csv.")
    String requestsFile;

    @Option(names = "--hdr-log", description = "HdrHistogram interval log file.")
    String hdrLog;

    @Option(names = "--html-report", description = "HTML report file.")
    String htmlReport;

    @Option(names = "--no-progress", description = "No progress line on stderr.")
    boolean noProgress;

    @Option(names = "--metrics-port", defaultValue = "-1", description = "Serve live aiwatch_loadgen_* metrics here.")
    int metricsPort;

    @Option(
            names = "--metrics-host",
            defaultValue = "0.0.0.0",
            description = "Bind address of --metrics-port (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--worker-index", defaultValue = "0", description = "This worker's index in [0, --worker-count).")
    int workerIndex;

    @Option(
            names = "--worker-count",
            defaultValue = "1",
            description = "Workers sharing one schedule (default: ${DEFAULT-VALUE}).")
    int workerCount;

    @Option(names = "--start-at", description = "Common start of all workers: ISO-8601 instant or epoch ms.")
    String startAt;

    @Option(names = "--search", description = "Search the highest rate meeting --slo.")
    boolean search;

    @Option(names = "--slo", description = "Conditions on result fields, e.g. p99_e2el_ms<=500,p99_ttft_ms<=200.")
    String slo;

    @Option(
            names = "--search-min-rate",
            defaultValue = "1",
            description = "Search: lowest rate, req/s (default: ${DEFAULT-VALUE}).")
    double searchMin;

    @Option(
            names = "--search-max-rate",
            defaultValue = "100",
            description = "Search: highest rate, req/s (default: ${DEFAULT-VALUE}).")
    double searchMax;

    @Option(
            names = "--search-tolerance",
            defaultValue = "0.05",
            description = "Search: stop when the bracket is this narrow, relative (default: ${DEFAULT-VALUE}).")
    double searchTolerance;

    @Option(
            names = "--search-max-steps",
            defaultValue = "8",
            description = "Search: most runs (default: ${DEFAULT-VALUE}).")
    int searchSteps;

    @Option(names = "--lag-warn-ms", defaultValue = "10", description = "Warn when schedule lag p99 exceeds this.")
    double lagWarnMs;

    @Option(names = "--client-threads", defaultValue = "2", description = "Executor threads of the JDK client.")
    int clientThreads;

    @Option(
            names = "--timing-nice",
            defaultValue = "-10",
            description =
                    "Nice value of the pacing threads, -20..0;"
                            + " needs CAP_SYS_NICE, else they stay at normal priority and the result says so; 0 = leave alone (default: ${DEFAULT-VALUE}).")
    int timingNice;

    @Option(
            names = "--http-client",
            defaultValue = "auto",
            description = "auto (nio for http, jdk for https), nio or jdk.")
    String httpClient;

    @Mixin
    OtlpSpanOptions otlp = new OtlpSpanOptions();

    @Override
    public Integer call() throws Exception {
        LoadgenSession session;
        GenAiSpans spans;
        try {
            session = build();
            spans = otlp.start(System.getenv());
        } catch (LoadgenException | IllegalArgumentException e) {
            System.err.println("aiwatch loadgen: " + e.getMessage());
            return 2;
        }
        session.tracing(spans);
        GenAiSpans queued = spans;
        Thread hook = new Thread(
                () -> {
                    session.interrupt();
                    if (queued != null) {
                        queued.close(); // Ctrl-C: export the spans still queued before the JVM ends
                    }
                },
                "loadgen-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.execute();
            return 0;
        } catch (LoadgenException e) {
            System.err.println("aiwatch loadgen: " + e.getMessage());
            return 2;
        } finally {
            if (spans != null) {
                spans.close(); // exports the spans still queued
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the results written above
            }
        }
    }

    LoadgenSession build() {
        io.aiwatch.tool.loadgen.schedule.TimingPriority.configure(timingNice);
        require(
                workerCount >= 1 && workerIndex >= 0 && workerIndex < workerCount,
                "--worker-index must be in [0, --worker-count), got " + workerIndex + " of " + workerCount);
        require(numPrompts >= 1, "--num-prompts must be >= 1, got " + numPrompts);
        require(inputLen >= 1 && outputLen >= 1, "--random-input-len and --random-output-len must be >= 1");
        require(rangeRatio >= 0 && rangeRatio < 1, "--random-range-ratio must be in [0, 1), got " + rangeRatio);
        require(maxConcurrency >= 0, "--max-concurrency must be >= 0");
        require(duration >= 0 && warmupSeconds >= 0, "--duration and --warmup-seconds must be >= 0");
        require(timeoutSeconds > 0, "--request-timeout must be > 0");
        require(endpoint.startsWith("/"), "--endpoint must start with '/', got '" + endpoint + "'");
        List<Double> rates = new ArrayList<>();
        for (String r : requestRates) {
            double v = parseRate(r, "--request-rate");
            require(v > 0, "--request-rate must be > 0, got " + r);
            rates.add(v);
        }
        double burst = parseRate(burstiness, "--burstiness");
        require(burst > 0, "--burstiness must be > 0, got " + burstiness);
        if (duration > 0 && rates.stream().anyMatch(r -> r.isInfinite())) {
            require(maxConcurrency > 0, "--duration with --request-rate inf needs --max-concurrency (closed loop)");
        }
        String key = apiKey != null ? apiKey : System.getenv("OPENAI_API_KEY");
        ClientConfig client = new ClientConfig(baseUrl, endpoint, model, key, !noStream, clientThreads, httpClient);
        WorkloadSpec workload = new WorkloadSpec(
                datasetName,
                datasetPath,
                inputLen,
                outputLen,
                rangeRatio,
                prefixGroups,
                prefixLen,
                turns,
                sharegptOutputLen,
                sharegptMultiTurn,
                numPrompts,
                seed);
        RunSpec run = new RunSpec(
                rates.get(0),
                burst,
                maxConcurrency,
                numPrompts,
                duration,
                warmupSeconds,
                numWarmups,
                seed,
                workerIndex,
                workerCount,
                parseStart(startAt),
                Duration.ofMillis((long) (timeoutSeconds * 1000)),
                Duration.ofMillis(thinkMs));
        List<Double> ps = new ArrayList<>();
        for (String p : metricPercentiles.split(",")) {
            ps.add(number(p.trim(), "--metric-percentiles"));
        }
        Map<String, Double> slos = new LinkedHashMap<>();
        if (goodput != null) {
            for (String g : goodput) {
                String[] kv = g.split(":");
                require(kv.length == 2, "--goodput expects KEY:MS (ttft:200 tpot:50 e2el:1000), got '" + g + "'");
                double ms = number(kv[1], "--goodput " + kv[0]);
                require(ms >= 0, "--goodput " + kv[0] + " must be >= 0");
                slos.put(kv[0].trim().toLowerCase(Locale.ROOT), ms);
            }
        }
        StatsOptions stats = new StatsOptions(
                List.of(percentileMetrics.split(",")).stream().map(String::trim).toList(),
                ps,
                slos,
                "openai",
                label,
                model,
                tokenizer == null ? null : tokenizer.toString(),
                lagWarnMs);
        OutputConfig output = new OutputConfig(
                saveResult,
                saveDetailed,
                resultDir,
                resultFilename,
                requestsFile,
                hdrLog,
                htmlReport,
                !noProgress,
                metricsHost,
                metricsPort);
        List<Sweep.Slo> sloList = slo == null ? List.of() : Sweep.Slo.parse(slo);
        require(!search || !sloList.isEmpty(), "--search needs --slo, e.g. --slo p99_e2el_ms<=500");
        SweepConfig sweep = new SweepConfig(rates, search, sloList, searchMin, searchMax, searchTolerance, searchSteps);
        return new LoadgenSession(client, workload, tokenizer, run, stats, output, sweep, System.out, System.err);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new LoadgenException(message);
        }
    }

    private static double parseRate(String s, String flag) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.equals("inf") ? Double.POSITIVE_INFINITY : number(t, flag);
    }

    private static double number(String s, String flag) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new LoadgenException(flag + ": '" + s + "' is not a number");
        }
    }

    private static long parseStart(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return s.matches("\\d+") ? Long.parseLong(s) : Instant.parse(s).toEpochMilli();
        } catch (RuntimeException e) {
            throw new LoadgenException("--start-at: '" + s + "' is neither epoch ms nor an ISO-8601 instant");
        }
    }

    /** {@code aiwatch loadgen merge a.json b.json -o merged.json}: exact merge of worker results. */
    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            description = "Merge worker result files exactly (histograms added).")
    static final class MergeCommand implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "Worker result JSON files.")
        List<Path> files;

        @Option(
                names = {"-o", "--output"},
                required = true,
                description = "Merged result file.")
        Path output;

        @Override
        public Integer call() {
            try {
                List<Map<String, Object>> results = new ArrayList<>();
                for (Path f : files) {
                    results.add(ResultFiles.readJson(f));
                }
                Map<String, Object> merged =
                        Merge.merge(results, files.stream().map(Path::toString).toList());
                ResultFiles.writeJson(output, merged);
                System.out.printf(
                        Locale.ROOT,
                        "merged %d results: %s completed, %.2f req/s -> %s%n",
                        files.size(),
                        merged.get("completed"),
                        (Double) merged.get("request_throughput"),
                        output);
                return 0;
            } catch (LoadgenException e) {
                System.err.println("aiwatch loadgen merge: " + e.getMessage());
                return 2;
            }
        }
    }
}
