package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.experiment.RecordedSample;
import io.aiwatch.tool.experiment.analysis.Format;
import io.aiwatch.tool.experiment.run.RunDirectory;
import io.aiwatch.tool.experiment.run.SampleLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped EXP-003 spec, run with {@code --quick} through the command line against the
 * simulator and an in-process daemon with a simulated GPU; then every statistic of the report is
 * recomputed here from the raw files alone (request records, iteration files) and must match.
 */
class Exp003QuickTest {
    /** t(0.975, 1): the quick profile has two iterations per step (SciPy: stats.t.ppf(0.975, 1)). */
    static final double T_975_1 = 12.706204736174694;

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void exp003RunsQuickAgainstTheSimulatorAndItsStatisticsMatchTheRawFiles() throws Exception {
        Path out = tmp.resolve("run");
        // The shipped spec, asking for a simulated GPU outright: its `auto` would find the fake
        // libnvidia-ml.so.1 that NVML tests in this JVM loaded (dlopen matches it by soname), whose
        // power never follows the simulator's load.
        String shipped = Files.readString(Path.of("experiments/exp-003-latency-vs-load/spec.yaml"));
        assertThat(shipped).contains("record:\n  daemon: start\n");
        Path spec = tmp.resolve("spec.yaml");
        Files.writeString(
                spec, shipped.replace("record:\n  daemon: start\n", "record:\n  daemon: start\n  simulate_gpus: 1\n"));
        int rc = Main.run("experiment", "run", spec.toString(), "--quick", "--out", out.toString());
        assertThat(rc).as("exit code").isZero();
        JsonNode results = json.readTree(out.resolve("results.json").toFile());
        JsonNode manifest = json.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.path("state").asText()).isEqualTo("complete");
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md)
                .contains("these numbers describe aiwatch's vLLM simulator")
                .contains("## Failures and negative results");

        Map<String, List<Path>> okDirs = new HashMap<>();
        for (JsonNode slot : manifest.path("iterations")) {
            if (slot.path("status").asText().equals("ok")) {
                okDirs.computeIfAbsent(slot.path("step").asText(), k -> new ArrayList<>())
                        .add(out.resolve(slot.path("dir").asText()));
            }
        }
        assertThat(results.path("steps").size()).isEqualTo(6);
        for (JsonNode step : results.path("steps")) {
            String id = step.path("id").asText();
            List<Path> dirs = okDirs.get(id);
            assertThat(dirs).as(id).hasSize(2);
            Map<String, Histogram> pooled = new HashMap<>();
            List<Double> meanTtft = new ArrayList<>();
            for (Path d : dirs) {
                JsonNode it = json.readTree(d.resolve(RunDirectory.ITERATION).toFile());
                double scale = it.path("time_scale").asDouble();
                Map<String, Histogram> h = recompute(RunDirectory.readRecords(d.resolve(RunDirectory.RECORDS)), scale);
                h.forEach((k, v) ->
                        pooled.computeIfAbsent(k, x -> new Histogram(3)).add(v));
                Histogram ttft = h.get("ttft");
                double mean = ttft.getMean() / 1e6;
                double exact = exactMeanTtftMs(RunDirectory.readRecords(d.resolve(RunDirectory.RECORDS)), scale);
                // the iteration's own summary (vLLM's fields, from exact values) agrees with the records
                assertThat(it.path("summary").path("mean_ttft_ms").asDouble())
                        .as(id)
                        .isCloseTo(exact, within(1e-6));
                assertThat(mean).isCloseTo(exact, within(exact * 0.002));
                long completed = countOk(RunDirectory.readRecords(d.resolve(RunDirectory.RECORDS)));
                assertThat(it.path("summary").path("request_throughput").asDouble())
                        .isCloseTo(
                                completed / it.path("summary").path("duration").asDouble(), within(1e-9));
                meanTtft.add(exact);
            }
            // across iterations: mean, sample SD, t interval
            JsonNode m = step.path("metrics").path("mean_ttft_ms");
            double mean = (meanTtft.get(0) + meanTtft.get(1)) / 2;
            double sd = Math.abs(meanTtft.get(0) - meanTtft.get(1)) / Math.sqrt(2);
            assertThat(m.path("mean").asDouble()).isCloseTo(mean, within(1e-6));
            assertThat(m.path("sd").asDouble()).isCloseTo(sd, within(1e-6));
            assertThat(m.path("ci95_high").asDouble()).isCloseTo(mean + T_975_1 * sd / Math.sqrt(2), within(1e-6));
            // pooled percentiles: the added histograms of both iterations, exactly
            for (String metric : List.of("ttft", "itl", "e2el", "tpot")) {
                for (int p : new int[] {50, 99}) {
                    String key = "p" + p + "_" + metric + "_ms";
                    double want = pooled.get(metric).getValueAtPercentile(p) / 1e6;
                    assertThat(step.path("pooled").path(key).path("value").asDouble())
                            .as(id + " " + key)
                            .isEqualTo(want);
                }
            }
            // and the report prints that number in the step's row
            double p99 = pooled.get("ttft").getValueAtPercentile(99) / 1e6;
            String row = md.lines()
                    .filter(l -> l.startsWith("| " + id + " |"))
                    .findFirst()
                    .orElseThrow();
            assertThat(row).contains("| " + Format.number(p99) + " [");
        }
        // the raw samples hold the daemon's GPU and the simulator's vLLM families
        Map<String, Double> max = new HashMap<>();
        for (Path f : new RunDirectory(out).sampleFiles()) {
            SampleLog.read(f, (RecordedSample s) -> max.merge(s.endpoint() + " " + s.name(), s.value(), Math::max));
        }
        assertThat(max).containsKey("daemon DCGM_FI_DEV_GPU_TEMP");
        assertThat(max.get("daemon DCGM_FI_DEV_POWER_USAGE"))
                .as("the simulated GPU followed the load")
                .isGreaterThan(150);
        assertThat(max.get("server vllm:prefix_cache_hits_total"))
                .as("shared prefixes hit the cache")
                .isPositive();
        assertThat(max.get("server vllm:spec_decode_num_accepted_tokens_total")).isPositive();
        JsonNode env = json.readTree(out.resolve("environment-1.json").toFile());
        assertThat(env.path("gpus").path("source").asText()).startsWith("simulated");
        assertThat(env.path("host").path("cpus").asInt()).isPositive();
        assertThat(Files.readString(out.resolve("report.html")))
                .contains("<svg")
                .contains("SIMULATOR");

        // `aiwatch experiment report` recomputes the same bytes from the raw files (a committed run can be
        // checked that way), and every checksum verifies as `sha256sum -c checksums.sha256` would
        Map<String, byte[]> written = new HashMap<>();
        for (String f : List.of("report.md", "report.html", "results.json")) {
            written.put(f, Files.readAllBytes(out.resolve(f)));
        }
        assertThat(Main.run("experiment", "report", out.toString()))
                .as("report exit code")
                .isZero();
        written.forEach((f, bytes) ->
                assertThat(readBytes(out.resolve(f))).as(f + " recomputed").isEqualTo(bytes));
        List<String> sums = Files.readAllLines(out.resolve(RunDirectory.CHECKSUMS));
        assertThat(sums).anyMatch(l -> l.endsWith("  report.html")).anyMatch(l -> l.contains("records.jsonl.gz"));
        for (String line : sums) {
            String file = line.substring(66);
            assertThat(sha256(out.resolve(file))).as(file).isEqualTo(line.substring(0, 64));
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** TTFT, ITL, TPOT and E2EL histograms (ns, in the reported time scale) of the ok requests. */
    private static Map<String, Histogram> recompute(List<Map<String, Object>> records, double scale) {
        Map<String, Histogram> h = new HashMap<>();
        for (String m : List.of("ttft", "itl", "tpot", "e2el")) {
            h.put(m, new Histogram(3));
        }
        for (Map<String, Object> r : records) {
            if (!"ok".equals(r.get("outcome"))) {
                continue;
            }
            // the workload scales each timestamp, then subtracts (as the load generator's records do)
            long send = Math.round(num(r, "send_ns") * scale);
            long first = Math.round(num(r, "first_token_ns") * scale);
            long last = Math.round(num(r, "last_token_ns") * scale);
            long ttft = first - send;
            long e2el = last - send;
            h.get("ttft").recordValue(ttft);
            h.get("e2el").recordValue(e2el);
            int out = ((Number) r.get("output_tokens")).intValue();
            if (out > 1) {
                h.get("tpot").recordValue(Math.round((double) (e2el - ttft) / (out - 1)));
            }
            for (Object g : (List<?>) r.get("itl_ns")) {
                h.get("itl").recordValue(Math.round(((Number) g).longValue() * scale));
            }
        }
        return h;
    }

    private static double exactMeanTtftMs(List<Map<String, Object>> records, double scale) {
        double sum = 0;
        int n = 0;
        for (Map<String, Object> r : records) {
            if ("ok".equals(r.get("outcome"))) {
                sum += (Math.round(num(r, "first_token_ns") * scale) - Math.round(num(r, "send_ns") * scale)) / 1e6;
                n++;
            }
        }
        return sum / n;
    }

    private static long countOk(List<Map<String, Object>> records) {
        return records.stream().filter(r -> "ok".equals(r.get("outcome"))).count();
    }

    private static long num(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).longValue();
    }
}
