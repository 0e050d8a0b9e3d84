package io.aiwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.LoadgenSession;
import io.aiwatch.tool.loadgen.OutputConfig;
import io.aiwatch.tool.loadgen.SessionOptions;
import io.aiwatch.tool.loadgen.Sweep;
import io.aiwatch.tool.loadgen.SweepConfig;
import io.aiwatch.tool.loadgen.client.ClientConfig;
import io.aiwatch.tool.loadgen.client.RequestShape;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.result.Merge;
import io.aiwatch.tool.loadgen.result.ResultFiles;
import io.aiwatch.tool.loadgen.result.StatsOptions;
import io.aiwatch.tool.loadgen.workload.DatasetArgs;
import io.aiwatch.tool.loadgen.workload.WorkloadSpec;
import java.io.PrintStream;
import java.nio.file.Files;
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
import picocli.CommandLine.Unmatched;

/**
 * {@code aiwatch loadgen}: load against an OpenAI-compatible server that takes vllm bench serve's
 * command lines: every flag of vLLM's serve.py and its dataset groups with vLLM's meaning and
 * default, or refused with the reason ({@link RefusedFlags}); aiwatch's own flags do not clash.
 * Exit status: 0; 1 when every request failed, or any with --fail-on-error; 2 for a bad command line.
 */
@Command(
        name = "loadgen",
        mixinStandardHelpOptions = true,
        subcommands = LoadgenCommand.MergeCommand.class,
        customSynopsis = "aiwatch loadgen [OPTIONS] | aiwatch loadgen merge FILE... -o FILE",
        sortOptions = false,
        description = "Open- or closed-loop load against an OpenAI-compatible server: vllm bench serve's command line,"
                + " result JSON and metrics.")
public final class LoadgenCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    LoadgenServerOptions server = new LoadgenServerOptions();

    @Mixin
    LoadgenRequestOptions request = new LoadgenRequestOptions();

    @Mixin
    LoadgenTrafficOptions traffic = new LoadgenTrafficOptions();

    @Mixin
    LoadgenDatasetOptions dataset = new LoadgenDatasetOptions();

    @Mixin
    LoadgenOutputOptions output = new LoadgenOutputOptions();

    @Mixin
    OtlpSpanOptions otlp = new OtlpSpanOptions();

    @Unmatched
    List<String> unmatched;

    @Override
    public Integer call() throws Exception {
        LoadgenSession session;
        GenAiSpans spans;
        try {
            String refused = RefusedFlags.check(unmatched);
            if (refused != null) {
                throw new LoadgenException(refused);
            }
            session = build(System.out, System.err);
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
            List<Map<String, Object>> results = session.execute();
            return Failures.report(results, output.failOnError, System.err);
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

    LoadgenSession build(PrintStream out, PrintStream err) {
        io.aiwatch.tool.loadgen.schedule.TimingPriority.configure(traffic.timingNice);
        String backend = server.backend;
        if (RefusedFlags.BACKENDS.containsKey(backend)) {
            throw new LoadgenException(
                    "--backend " + backend + " is not supported: " + RefusedFlags.BACKENDS.get(backend));
        }
        require(
                List.of("openai", "vllm", "openai-chat").contains(backend),
                "--backend: invalid choice '" + backend + "' (choose from openai, vllm, openai-chat)");
        String dsName = dataset.datasetName;
        if (RefusedFlags.DATASETS.containsKey(dsName)) {
            throw new LoadgenException(
                    "--dataset-name " + dsName + " is not supported: " + RefusedFlags.DATASETS.get(dsName));
        }
        require(
                io.aiwatch.tool.loadgen.workload.DatasetLoader.NAMES.contains(dsName) || dsName.equals("jsonl"),
                "--dataset-name: invalid choice '" + dsName + "' (choose from "
                        + io.aiwatch.tool.loadgen.workload.DatasetLoader.NAMES + ")");
        if ((dsName.equals("random") || dsName.equals("prefix_repetition")) && dataset.datasetPath != null) {
            throw new LoadgenException("Cannot use '" + dsName + "' dataset with --dataset-path. Please specify the"
                    + " appropriate --dataset-name (e.g., 'sharegpt', 'custom', 'sonnet') for your dataset file: "
                    + dataset.datasetPath);
        }
        require(server.endpoint.startsWith("/"), "--endpoint must start with '/', got '" + server.endpoint + "'");
        boolean chat = backend.equals("openai-chat");
        String url = server.resolvedBaseUrl() + server.endpoint;
        require(
                chat ? url.endsWith("chat/completions") : url.endsWith("completions"),
                (chat
                                ? "OpenAI Chat Completions API URL must end with 'chat/completions'"
                                : "OpenAI Completions API URL must end with 'completions'")
                        + ", got " + url + " (set --endpoint)");
        require(
                server.tokenizerMode.equals("auto") || server.tokenizerMode.equals("hf"),
                "--tokenizer-mode " + server.tokenizerMode + " is not supported: aiwatch reads the fast"
                        + " tokenizer (tokenizer.json) only; use auto or hf");
        Path tokenizer = null;
        if (server.tokenizer != null && !server.skipTokenizerInit) {
            tokenizer = Path.of(server.tokenizer);
            require(
                    Files.exists(tokenizer),
                    "--tokenizer " + server.tokenizer + " is not a local file or directory: loading a tokenizer by"
                            + " its Hugging Face name needs the network; download its tokenizer.json and give the path");
        }
        require(
                dataset.randomBatchSize == 1,
                "--random-batch-size is not supported: batched prompts are for embeddings backends only");
        require(
                request.loraAssignment.equals("random") || request.loraAssignment.equals("round-robin"),
                "--lora-assignment: invalid choice '" + request.loraAssignment + "' (choose from random, round-robin)");
        StatsOptions.RampUp ramp = rampUp();
        List<Double> thresholds = numbers(output.timelineItlThresholds, "--timeline-itl-thresholds");
        require(
                !output.plotTimeline || thresholds.size() == 2,
                "Invalid --timeline-itl-thresholds format: Expected 2 ITL threshold values, got " + thresholds.size());
        require(
                traffic.workerCount >= 1 && traffic.workerIndex >= 0 && traffic.workerIndex < traffic.workerCount,
                "--worker-index must be in [0, --worker-count), got " + traffic.workerIndex + " of "
                        + traffic.workerCount);
        require(traffic.numPrompts >= 1, "--num-prompts must be >= 1, got " + traffic.numPrompts);
        int maxConcurrency = traffic.maxConcurrency == null ? 0 : traffic.maxConcurrency;
        require(maxConcurrency >= 0, "--max-concurrency must be >= 1");
        require(traffic.duration >= 0 && traffic.warmupSeconds >= 0, "--duration and --warmup-seconds must be >= 0");
        require(traffic.timeoutSeconds > 0, "--request-timeout must be > 0");
        List<Double> rates = new ArrayList<>();
        for (String r : traffic.requestRates) {
            double v = parseRate(r, "--request-rate");
            require(v > 0, "--request-rate must be > 0, got " + r);
            rates.add(v);
        }
        double burst = parseRate(traffic.burstiness, "--burstiness");
        require(burst > 0, "A positive burstiness factor is expected, but given " + traffic.burstiness + ".");
        if (traffic.duration > 0 && rates.stream().anyMatch(r -> r.isInfinite()) && ramp == null) {
            require(maxConcurrency > 0, "--duration with --request-rate inf needs --max-concurrency (closed loop)");
        }
        if (dataset.noStream) {
            err.println("aiwatch loadgen: --no-stream has vLLM's meaning (dataset loading) and no effect here;"
                    + " for non-streaming requests use --disable-response-streaming");
        }

        // vLLM maps the general lengths onto every dataset's own
        int randomIn = dataset.inputLen != null ? dataset.inputLen : dataset.randomInputLen;
        int sonnetIn = dataset.inputLen != null ? dataset.inputLen : dataset.sonnetInputLen;
        Integer out1 = dataset.outputLen;
        double[] ratio = rangeRatio(dataset.randomRangeRatio);
        require(randomIn >= 1 || dataset.randomPrefixLen >= 1, "--random-input-len must be >= 1");
        DatasetArgs dsArgs = new DatasetArgs(
                dataset.randomPrefixLen,
                ratio[1],
                out1 != null ? out1 : dataset.customOutputLen,
                out1 != null ? out1 : dataset.sharegptOutputLen,
                dataset.noOversample,
                dataset.disableShuffle,
                sonnetIn,
                out1 != null ? out1 : dataset.sonnetOutputLen,
                dataset.sonnetPrefixLen,
                dataset.prefixRepetitionPrefixLen,
                dataset.prefixRepetitionSuffixLen,
                dataset.prefixRepetitionNumPrefixes,
                out1 != null ? out1 : dataset.prefixRepetitionOutputLen,
                out1 != null ? out1 : dataset.specBenchOutputLen,
                dataset.specBenchCategory);
        WorkloadSpec workload = new WorkloadSpec(
                dsName,
                dataset.datasetPath,
                randomIn,
                out1 != null ? out1 : dataset.randomOutputLen,
                ratio[0],
                dataset.prefixGroups,
                dataset.prefixLen,
                dataset.turns,
                dsArgs.sharegptOutputLen() == null ? 0 : dsArgs.sharegptOutputLen(),
                dataset.sharegptMultiTurn,
                traffic.numPrompts,
                traffic.seed,
                dsArgs);

        String key = server.apiKey != null ? server.apiKey : System.getenv("OPENAI_API_KEY");
        ClientConfig client = new ClientConfig(
                server.resolvedBaseUrl(),
                server.endpoint,
                server.model,
                key,
                !request.disableResponseStreaming,
                server.clientThreads,
                server.httpClient);
        ObjectNode extra = extraBody(err);
        String prefix = request.requestIdPrefix != null
                ? request.requestIdPrefix
                : "bench-" + String.format("%08x", new java.security.SecureRandom().nextInt()) + "-";
        RequestShape shape = new RequestShape(
                backend,
                server.servedModelName,
                request.ignoreEos || workload.ignoreEos(),
                request.logprobs,
                extra.isEmpty() ? null : extra,
                keyValues(server.headers, "--header", "Invalid header format. Please use KEY=VALUE format."),
                prefix,
                request.loraModules == null ? List.of() : request.loraModules,
                request.loraAssignment.equals("round-robin"),
                traffic.seed,
                server.insecure);
        RunSpec run = new RunSpec(
                rates.get(0),
                burst,
                maxConcurrency,
                traffic.numPrompts,
                traffic.duration,
                traffic.warmupSeconds,
                traffic.numWarmups,
                traffic.seed,
                traffic.workerIndex,
                traffic.workerCount,
                parseStart(traffic.startAt),
                Duration.ofMillis((long) (traffic.timeoutSeconds * 1000)),
                Duration.ofMillis(traffic.thinkMs));
        List<Sweep.Slo> sloList = traffic.slo == null ? List.of() : Sweep.Slo.parse(traffic.slo);
        require(!traffic.search || !sloList.isEmpty(), "--search needs --slo, e.g. --slo p99_e2el_ms<=500");
        List<Double> ps = numbers(output.metricPercentiles, "--metric-percentiles");
        List<String> metrics = new ArrayList<>();
        for (String m : (output.percentileMetrics != null ? output.percentileMetrics : "ttft,tpot,itl").split(",")) {
            if (!m.isBlank()) {
                metrics.add(m.trim());
            }
        }
        for (Sweep.Slo s : sloList) { // the --slo keys must be computed: add their metric and percentile
            java.util.regex.Matcher k = java.util.regex.Pattern.compile("^(p[0-9.]+|mean|median|std)_(.+)_ms$")
                    .matcher(s.key());
            if (k.matches()) {
                if (!metrics.contains(k.group(2))) {
                    metrics.add(k.group(2));
                }
                if (k.group(1).startsWith("p")) {
                    double p = Double.parseDouble(k.group(1).substring(1));
                    if (!ps.contains(p)) {
                        ps.add(p);
                    }
                }
            }
        }
        StatsOptions stats = new StatsOptions(
                metrics,
                ps,
                goodput(),
                backend,
                output.label,
                server.model,
                server.tokenizer,
                output.lagWarnMs,
                keyValues(output.metadata, "--metadata", "Invalid metadata format. Please use KEY=VALUE format."),
                ramp,
                server.skipTokenizerInit);
        OutputConfig outputs = new OutputConfig(
                output.saveResult,
                output.saveDetailed,
                output.resultDir,
                output.resultFilename,
                output.requestsFile,
                output.hdrLog,
                output.htmlReport,
                !output.noProgress && !output.disableTqdm,
                output.metricsHost,
                output.metricsPort,
                output.appendResult,
                output.plotTimeline);
        SweepConfig sweep = new SweepConfig(
                rates,
                traffic.search,
                sloList,
                traffic.searchMin,
                traffic.searchMax,
                traffic.searchTolerance,
                traffic.searchSteps);
        SessionOptions session = new SessionOptions(shape, server.readyCheckTimeoutSec, server.profile, ramp);
        return new LoadgenSession(client, workload, tokenizer, run, stats, outputs, sweep, session, out, err);
    }

    /** vLLM's ramp-up checks, in its words. */
    private StatsOptions.RampUp rampUp() {
        if (traffic.rampUpStrategy == null) {
            return null;
        }
        require(
                traffic.rampUpStrategy.equals("linear") || traffic.rampUpStrategy.equals("exponential"),
                "--ramp-up-strategy: invalid choice '" + traffic.rampUpStrategy
                        + "' (choose from linear, exponential)");
        require(
                traffic.requestRates.size() == 1
                        && traffic.requestRates.get(0).trim().equalsIgnoreCase("inf"),
                "When using ramp-up, do not specify --request-rate. The request rate will be controlled by ramp-up"
                        + " parameters. Please remove the --request-rate argument.");
        require(
                traffic.rampUpStartRps != null && traffic.rampUpEndRps != null,
                "When using --ramp-up-strategy, both --ramp-up-start-rps and --ramp-up-end-rps must be specified");
        require(
                traffic.rampUpStartRps >= 0 && traffic.rampUpEndRps >= 0,
                "Ramp-up start and end RPS must be non-negative");
        require(traffic.rampUpStartRps <= traffic.rampUpEndRps, "Ramp-up start RPS must be less than end RPS");
        require(
                !(traffic.rampUpStrategy.equals("exponential") && traffic.rampUpStartRps == 0),
                "For exponential ramp-up, the start RPS cannot be 0.");
        require(traffic.rampUpEndRps > 0, "Ramp-up end RPS must be positive");
        return new StatsOptions.RampUp(traffic.rampUpStrategy, traffic.rampUpStartRps, traffic.rampUpEndRps);
    }

    /** vLLM's extra body: the sampling flags that were given, overridden by --extra-body. */
    private ObjectNode extraBody(PrintStream err) {
        ObjectNode body = JSON.createObjectNode();
        if (request.topP != null) {
            body.put("top_p", request.topP);
        }
        if (request.topK != null) {
            body.put("top_k", request.topK);
        }
        if (request.minP != null) {
            body.put("min_p", request.minP);
        }
        if (request.temperature != null) {
            body.put("temperature", request.temperature);
        }
        if (request.frequencyPenalty != null) {
            body.put("frequency_penalty", request.frequencyPenalty);
        }
        if (request.presencePenalty != null) {
            body.put("presence_penalty", request.presencePenalty);
        }
        if (request.repetitionPenalty != null) {
            body.put("repetition_penalty", request.repetitionPenalty);
        }
        if (request.temperature == null) {
            err.println("WARNING: vllm bench serve no longer sets temperature==0 (greedy) in requests by default."
                    + " The default will be determined on the server side and can be model/API specific. For the"
                    + " old behavior, include --temperature=0.");
        }
        if (request.extraBody != null) {
            JsonNode e;
            try {
                e = JSON.readTree(request.extraBody);
            } catch (java.io.IOException ex) {
                throw new LoadgenException("--extra-body is not valid JSON: " + ex.getMessage());
            }
            require(e != null && e.isObject(), "--extra-body must be a JSON object, got " + request.extraBody);
            body.setAll((ObjectNode) e);
        }
        return body;
    }

    /** vLLM's goodput parsing and checks. */
    private Map<String, Double> goodput() {
        Map<String, Double> slos = new LinkedHashMap<>();
        if (output.goodput == null) {
            return slos;
        }
        for (String g : output.goodput) {
            String[] kv = g.split(":");
            require(
                    kv.length == 2,
                    "Invalid format found for service level objectives. Specify service level objectives for"
                            + " goodput as \"KEY:VALUE\" pairs, where the key is a metric name, and the value is a"
                            + " number in milliseconds.");
            double ms = number(kv[1], "--goodput " + kv[0]);
            String name = kv[0].trim();
            require(
                    List.of("ttft", "tpot", "e2el").contains(name),
                    "Invalid metric name found, " + name + ": " + ms + ". The service level objective name should"
                            + " be one of ['ttft', 'tpot', 'e2el']. ");
            require(
                    ms >= 0,
                    "Invalid value found, " + name + ": " + ms
                            + ". The service level objective value should be non-negative.");
            slos.put(name, ms);
        }
        return slos;
    }

    /** --random-range-ratio: one float for both lengths, or {"input": r, "output": r}; each in [0, 1). */
    private static double[] rangeRatio(String s) {
        String t = s.trim();
        double in;
        double out;
        if (t.startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(t);
                in = n.path("input").asDouble(0.0);
                out = n.path("output").asDouble(0.0);
            } catch (java.io.IOException e) {
                throw new LoadgenException("--random-range-ratio: not valid JSON: " + e.getMessage());
            }
        } else {
            in = number(t, "--random-range-ratio");
            out = Double.NaN;
        }
        require(in >= 0 && in < 1, "--random-range-ratio values must be in [0, 1), got " + s);
        require(Double.isNaN(out) || (out >= 0 && out < 1), "--random-range-ratio values must be in [0, 1), got " + s);
        return new double[] {in, out};
    }

    private static Map<String, String> keyValues(List<String> items, String flag, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        if (items == null) {
            return m;
        }
        for (String item : items) {
            int eq = item.indexOf('=');
            require(eq > 0, message + " (" + flag + " " + item + ")");
            m.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return m;
    }

    private static List<Double> numbers(String csv, String flag) {
        List<Double> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            if (!p.isBlank()) {
                out.add(number(p.trim(), flag));
            }
        }
        return out;
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
