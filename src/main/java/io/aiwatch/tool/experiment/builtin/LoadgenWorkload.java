package io.aiwatch.tool.experiment.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadContext;
import io.aiwatch.tool.experiment.WorkloadResult;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One iteration of {@code kind: loadgen}. Against the simulator, a fresh one is started for the
 * iteration (empty queues and caches, so iterations are independent), recorded under endpoint
 * {@code server}, and drives the simulated GPUs. A simulator with {@code speed} N runs N times
 * faster than real time: the workload sends N times the rate and scales measured times back to
 * simulated seconds (records stay as measured; the result's time scale says N).
 */
final class LoadgenWorkload implements Workload {
    private final LoadgenParameters p;
    private volatile LoadgenDriver driver;
    private volatile boolean cancelled;

    LoadgenWorkload(LoadgenParameters p) {
        this.p = p;
    }

    @Override
    public WorkloadResult run(WorkloadContext ctx) throws Exception {
        WorkloadResult.Builder b = WorkloadResult.builder();
        VllmSimulator sim = null;
        try {
            String baseUrl = p.baseUrl();
            double scale = 1;
            if (p.simulator() != null) {
                SimulatorConfig c = p.simulator().withSeed(p.simulator().seed() ^ ctx.seed());
                sim = VllmSimulator.start(c);
                scale = c.speed();
                baseUrl = "http://127.0.0.1:" + sim.port();
                ctx.recordEndpoint("server", URI.create(baseUrl + "/metrics"));
                ctx.simulatedGpuLoad(sim);
                b.environment("server", "aiwatch vLLM simulator (a latency model, not a GPU): " + describe(c));
                ctx.log("simulator on " + baseUrl + ": " + describe(c));
            }
            server(baseUrl, b, ctx);
            String model =
                    p.model() != null ? p.model() : sim != null ? sim.config().model() : firstModel(baseUrl);
            driver = new LoadgenDriver(p, baseUrl, model, ctx.seed());
            if (cancelled) {
                return b.interrupted(true).build();
            }
            double seconds = (ctx.duration().toNanos() + ctx.warmup().toNanos()) / 1e9;
            ctx.log(String.format(
                    java.util.Locale.ROOT,
                    "load: %s req/s for %.1f s (%.1f s warm-up), model %s, dataset %s %d/%d tokens",
                    p.requestRate(),
                    seconds,
                    ctx.warmup().toNanos() / 1e9,
                    model,
                    p.dataset(),
                    p.inputLen(),
                    p.outputLen()));
            RunResult wall = driver.run(
                    p,
                    p.requestRate() * scale,
                    seconds / scale,
                    ctx.warmup().toNanos() / 1e9 / scale,
                    Duration.ofNanos((long) (p.requestTimeout().toNanos() / scale)),
                    ctx.seed());
            for (RequestRecord r : wall.records()) {
                b.record(LoadgenDriver.record(r));
            }
            RunResult run = LoadgenDriver.scaled(wall, scale);
            Map<String, Object> fields = driver.fields(run);
            for (var e : fields.entrySet()) {
                if (e.getValue() instanceof Number n && !e.getKey().endsWith("epoch_ms")) {
                    b.summary(e.getKey(), n.doubleValue());
                }
            }
            LoadgenDriver.histograms(run).forEach(b::histogram);
            if (fields.get("warnings") instanceof List<?> w) {
                w.forEach(x -> b.note(String.valueOf(x)));
            }
            b.timeScale(scale);
            b.interrupted(wall.interrupted() || cancelled);
            long total = wall.records().size();
            long failed = wall.records().stream().filter(r -> !r.ok()).count();
            if (!cancelled && total == 0) {
                b.failure("no request was sent");
            } else if (!cancelled && failed > p.maxFailedRatio() * total) {
                b.failure(String.format(
                        java.util.Locale.ROOT,
                        "%d of %d requests failed (%s), more than max_failed_ratio %.2f",
                        failed,
                        total,
                        fields.get("errors_by_reason"),
                        p.maxFailedRatio()));
            }
            ctx.log("done: " + total + " requests, " + failed + " failed");
            return b.build();
        } finally {
            LoadgenDriver d = driver;
            if (d != null) {
                d.close();
            }
            if (sim != null) {
                sim.close();
            }
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        LoadgenDriver d = driver;
        if (d != null) {
            d.stop();
        }
    }

    private static String describe(SimulatorConfig c) {
        return c.toString().replaceFirst("^SimulatorConfig\\[", "").replaceFirst("]$", "");
    }

    /** Server facts for the environment: GET /v1/models (model, max_model_len) and GET /version (vLLM). */
    private static void server(String baseUrl, WorkloadResult.Builder b, WorkloadContext ctx) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode m = json.readTree(r.body()).path("data").path(0);
            if (m.has("id")) {
                b.environment("server_model", m.path("id").asText());
            }
            if (m.has("max_model_len")) {
                b.environment("server_max_model_len", m.path("max_model_len").asText());
            }
            if (m.has("owned_by")) {
                b.environment("server_model_owned_by", m.path("owned_by").asText());
            }
            HttpResponse<String> v = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/version"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            b.environment(
                    "server_version",
                    v.statusCode() == 200
                            ? json.readTree(v.body())
                                    .path("version")
                                    .asText(v.body().trim())
                            : "not reported (GET /version: HTTP " + v.statusCode() + ")");
        } catch (Exception e) {
            ctx.log("server facts: " + e.getMessage());
        }
    }

    private static String firstModel(String baseUrl) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode id = new ObjectMapper().readTree(r.body()).path("data").path(0).path("id");
        if (!id.isTextual()) {
            throw new IllegalStateException("no model given and GET " + baseUrl + "/v1/models named none");
        }
        return id.asText();
    }
}
