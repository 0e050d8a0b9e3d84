package io.aiwatch.tool.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.cli.Main;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vllm bench serve command line, run by aiwatch loadgen against the simulator with some
 * requests the server rejects: the result JSON has vLLM's keys in vLLM's order and its null
 * conventions, every per-request array has one entry per request (failed ones included), and the
 * aggregates equal what vLLM's calculate_metrics computes from those arrays (re-implemented here
 * from vllm/benchmarks/serve.py, independently of aiwatch's code). The exit status and the
 * error report follow the failures.
 */
class VllmResultJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static VllmSimulator sim;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sim = VllmSimulator.start(SimulatorConfig.defaults()
                .withModel("org/sim-8b")
                .withListen("127.0.0.1", 0)
                .withSpeed(500));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private record Run(int code, String out, String err) {}

    private static Run loadgen(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "loadgen";
            System.arraycopy(args, 0, all, 1, args.length);
            int code = Main.run(all);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** 24 prompts; every 6th asks for more tokens than max_model_len, which vLLM rejects with a 400. */
    private Path dataset() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            int out = i % 6 == 5 ? 5000 : 3 + i % 5;
            sb.append("{\"prompt\":\"question number ")
                    .append(i)
                    .append(" about rivers\",\"output_tokens\":")
                    .append(out)
                    .append("}\n");
        }
        Path f = dir.resolve("prompts.jsonl");
        Files.writeString(f, sb.toString());
        return f;
    }

    private List<String> command(Path data, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--backend",
                "openai",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(sim.port()),
                "--dataset-name",
                "custom",
                "--dataset-path",
                data.toString(),
                "--custom-output-len",
                "-1",
                "--disable-shuffle",
                "--num-prompts",
                "24",
                "--request-rate",
                "300",
                "--max-concurrency",
                "6",
                "--ignore-eos",
                "--goodput",
                "ttft:2000",
                "e2el:5000",
                "--percentile-metrics",
                "ttft,tpot,itl,e2el",
                "--metric-percentiles",
                "50,90,99",
                "--save-result",
                "--save-detailed",
                "--result-dir",
                dir.toString(),
                "--disable-tqdm"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void aVllmCommandLineGivesVllmsResultJson() throws Exception {
        Run run = loadgen(command(dataset()).toArray(String[]::new));
        assertThat(run.code()).as(run.err()).isZero();
        Path file;
        try (var files = Files.list(dir)) {
            file = files.filter(p -> p.getFileName().toString().startsWith("openai-300.0qps-concurrency6-sim-8b-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no file named as vLLM names it in " + dir));
        }
        JsonNode r = JSON.readTree(file.toFile());

        List<String> keys = new ArrayList<>();
        r.fieldNames().forEachRemaining(keys::add);
        List<String> vllmOrder = new ArrayList<>(List.of(
                "date",
                "endpoint_type",
                "backend",
                "label",
                "model_id",
                "tokenizer_id",
                "num_prompts",
                "request_rate",
                "burstiness",
                "max_concurrency",
                "duration",
                "completed",
                "failed",
                "total_input_tokens",
                "total_output_tokens",
                "request_throughput",
                "request_goodput",
                "output_throughput",
                "total_token_throughput",
                "input_lens",
                "output_lens",
                "ttfts",
                "itls",
                "latencies",
                "start_times",
                "queue_times",
                "generated_texts",
                "errors",
                "max_output_tokens_per_s",
                "max_concurrent_requests",
                "rtfx",
                "mean_client_queue_time_ms",
                "mean_e2el_including_client_queue_ms"));
        for (String p : List.of("p50", "p90", "p99")) {
            vllmOrder.add(p + "_client_queue_time_ms");
            vllmOrder.add(p + "_e2el_including_client_queue_ms");
        }
        for (String m : List.of("ttft", "tpot", "itl", "e2el")) {
            for (String s : List.of("mean", "median", "std", "p50", "p90", "p99")) {
                vllmOrder.add(s + "_" + m + "_ms");
            }
        }
        assertThat(keys.subList(0, vllmOrder.size())).containsExactlyElementsOf(vllmOrder);
        assertThat(r.get("label").isNull()).isTrue();
        assertThat(r.get("model_id").asText()).isEqualTo("org/sim-8b");
        assertThat(r.get("tokenizer_id").asText()).isEqualTo("org/sim-8b");
        assertThat(r.get("request_rate").asDouble()).isEqualTo(300.0);
        assertThat(r.get("max_concurrency").asInt()).isEqualTo(6);
        assertThat(r.get("rtfx").asDouble()).isZero();

        int n = 24;
        for (String array : List.of(
                "input_lens",
                "output_lens",
                "ttfts",
                "itls",
                "latencies",
                "start_times",
                "queue_times",
                "generated_texts",
                "errors")) {
            assertThat(r.get(array)).as(array).hasSize(n);
        }
        for (int i = 0; i < n; i++) {
            boolean rejected = i % 6 == 5;
            assertThat(r.at("/errors/" + i).asText()).isEqualTo(rejected ? "Bad Request" : "");
            if (rejected) {
                assertThat(r.at("/output_lens/" + i).asInt()).isZero();
                assertThat(r.at("/latencies/" + i).asDouble()).isZero();
                assertThat(r.at("/generated_texts/" + i).asText()).isEmpty();
            } else {
                assertThat(r.at("/output_lens/" + i).asInt()).isEqualTo(3 + i % 5);
                assertThat(r.at("/generated_texts/" + i).asText()).isNotEmpty();
            }
        }
        assertThat(r.get("failed").asInt()).isEqualTo(4);
        assertVllmAggregates(r, List.of(50.0, 90.0, 99.0), 2000, 5000);
        // the server's own words, by reason
        assertThat(r.at("/error_bodies/http_4xx/0/body").asText())
                .contains("max_tokens=5000 cannot be greater than max_model_len");
        assertThat(run.err()).contains("Failed requests by reason:", "http_4xx x4 (HTTP 400)", "cannot be greater");

        Run strict = loadgen(command(dataset(), "--fail-on-error").toArray(String[]::new));
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.err()).contains("4 requests failed (--fail-on-error)");
    }

    @Test
    void aRunWhereEveryRequestFailsExitsNonZeroAndSaysWhy() throws Exception {
        Run run = loadgen(
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(sim.port()),
                "--model",
                "no-such-model",
                "--num-prompts",
                "5",
                "--random-input-len",
                "4",
                "--random-output-len",
                "2",
                "--disable-tqdm");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("all 5 requests failed").contains("The model `no-such-model` does not exist.");
    }

    @Test
    void refusedFlagsAndDatasetsStopWithTheirReason() {
        Run hf = loadgen("--dataset-name", "hf", "--dataset-path", "lmarena-ai/VisionArena-Chat");
        assertThat(hf.code()).isEqualTo(2);
        assertThat(hf.err()).contains("--dataset-name hf is not supported", "Hub");
        Run flag = loadgen("--hf-split", "train");
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err()).contains("--hf-split is not supported");
        Run backend = loadgen("--backend", "openai-embeddings");
        assertThat(backend.err()).contains("--backend openai-embeddings is not supported");
    }

    /** vLLM's calculate_metrics over the per-request arrays, compared with the file's aggregates. */
    static void assertVllmAggregates(JsonNode r, List<Double> percentiles, double ttftSlo, double e2elSlo) {
        int n = r.get("errors").size();
        List<Double> ttfts = new ArrayList<>();
        List<Double> tpots = new ArrayList<>();
        List<Double> allTpots = new ArrayList<>();
        List<Double> itls = new ArrayList<>();
        List<Double> e2els = new ArrayList<>();
        long totalIn = 0;
        long totalOut = 0;
        int completed = 0;
        double minStart = Double.MAX_VALUE;
        double maxEnd = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (!r.at("/errors/" + i).asText().isEmpty()) {
                continue;
            }
            int out = r.at("/output_lens/" + i).asInt();
            double ttft = r.at("/ttfts/" + i).asDouble();
            double latency = r.at("/latencies/" + i).asDouble();
            totalIn += r.at("/input_lens/" + i).asInt();
            totalOut += out;
            double tpot = 0;
            if (out > 1) {
                tpot = (latency - ttft) / (out - 1);
                tpots.add(tpot);
            }
            allTpots.add(tpot);
            for (JsonNode g : r.at("/itls/" + i)) {
                itls.add(g.asDouble());
            }
            ttfts.add(ttft);
            e2els.add(latency);
            completed++;
            double start = r.at("/start_times/" + i).asDouble();
            minStart = Math.min(minStart, start);
            maxEnd = Math.max(maxEnd, start + latency);
        }
        double dur = r.get("duration").asDouble();
        assertThat(r.get("completed").asInt()).isEqualTo(completed);
        assertThat(r.get("total_input_tokens").asLong()).isEqualTo(totalIn);
        assertThat(r.get("total_output_tokens").asLong()).isEqualTo(totalOut);
        assertThat(r.get("request_throughput").asDouble()).isCloseTo(completed / dur, within(1e-9));
        assertThat(r.get("output_throughput").asDouble()).isCloseTo(totalOut / dur, within(1e-9));
        assertThat(r.get("total_token_throughput").asDouble()).isCloseTo((totalIn + totalOut) / dur, within(1e-9));
        int good = 0;
        for (int i = 0; i < ttfts.size(); i++) {
            if (ttftSlo / 1000 >= ttfts.get(i) && e2elSlo / 1000 >= e2els.get(i)) {
                good++;
            }
        }
        assertThat(r.get("request_goodput").asDouble()).isCloseTo(good / dur, within(1e-9));
        String[] names = {"ttft", "tpot", "itl", "e2el"};
        List<List<Double>> lists = List.of(ttfts, tpots, itls, e2els);
        for (int k = 0; k < names.length; k++) {
            double[] v = lists.get(k).stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            assertClose(r, "mean_" + names[k] + "_ms", mean(v) * 1000);
            assertClose(r, "median_" + names[k] + "_ms", numpyPercentile(v, 50) * 1000);
            assertClose(r, "std_" + names[k] + "_ms", std(v) * 1000);
            for (double p : percentiles) {
                assertClose(r, "p" + (long) p + "_" + names[k] + "_ms", numpyPercentile(v, p) * 1000);
            }
        }
        // peaks: one-second buckets from the first successful request
        int buckets = (int) Math.ceil(maxEnd - minStart) + 1;
        double[] tokens = new double[buckets];
        int[] concurrent = new int[buckets];
        for (int i = 0; i < n; i++) {
            if (!r.at("/errors/" + i).asText().isEmpty()) {
                continue;
            }
            double start = r.at("/start_times/" + i).asDouble();
            double t = start + r.at("/ttfts/" + i).asDouble();
            List<Double> times = new ArrayList<>(List.of(t));
            for (Iterator<JsonNode> it = r.at("/itls/" + i).elements(); it.hasNext(); ) {
                t += it.next().asDouble();
                times.add(t);
            }
            for (double tt : times) {
                int b = (int) (tt - minStart);
                if (b >= 0 && b < buckets) {
                    tokens[b]++;
                }
            }
            for (int s = (int) (start - minStart);
                    s <= (int) (start + r.at("/latencies/" + i).asDouble() - minStart);
                    s++) {
                concurrent[s]++;
            }
        }
        assertThat(r.get("max_output_tokens_per_s").asDouble())
                .isEqualTo(Arrays.stream(tokens).max().orElse(0));
        assertThat(r.get("max_concurrent_requests").asInt())
                .isEqualTo(Arrays.stream(concurrent).max().orElse(0));
    }

    private static void assertClose(JsonNode r, String key, double expected) {
        assertThat(r.get(key)).as(key).isNotNull();
        assertThat(r.get(key).asDouble()).as(key).isCloseTo(expected, within(1e-9 + Math.abs(expected) * 1e-12));
    }

    private static double mean(double[] v) {
        return v.length == 0 ? 0 : Arrays.stream(v).sum() / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        return v.length == 0
                ? 0
                : Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
    }

    /** numpy.percentile(v, p), linear interpolation; numpy of an empty list is taken as of [0] (vLLM: `or 0`). */
    private static double numpyPercentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double idx = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(idx);
        int hi = (int) Math.ceil(idx);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
    }
}
