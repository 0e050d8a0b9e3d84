package io.aiwatch.tool.vllmsim;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.reader.exposition.ScrapeResponder;
import io.aiwatch.reader.http.MetricsEndpoint;
import io.javalin.Javalin;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A vLLM-compatible simulated inference server: OpenAI completions and chat (streaming or not),
 * {@code /v1/models}, {@code /tokenize}, {@code /detokenize}, {@code /version}, {@code /health},
 * {@code /ping} and vLLM's {@code /metrics}, with latencies from a continuous-batching engine model
 * ({@link Engine}) instead of a GPU. Errors, unknown routes included, have vLLM's body
 * ({@link ApiError}).
 *
 * <p>{@code VllmSimulator.start(config)} returns a running server; its {@link #utilization()} (also
 * the {@link DoubleSupplier}) is the load signal for simulated GPUs.
 */
public final class VllmSimulator implements AutoCloseable, DoubleSupplier {
    /** The vLLM release whose OpenAI server the simulator follows, as {@code GET /version} reports it. */
    public static final String VLLM_VERSION = "0.11.0";

    private final SimulatorConfig config;
    private final EngineMetrics metrics;
    private final EngineLoop loop;
    private final Javalin app;
    private volatile boolean closed;

    private VllmSimulator(SimulatorConfig config, LongSupplier ticker) {
        this.config = config;
        this.metrics = new EngineMetrics(config, System.currentTimeMillis() / 1000.0);
        this.loop = new EngineLoop(new Engine(config, metrics), config.speed(), ticker);
        CompletionHandler completions = new CompletionHandler(config, loop, () -> closed);
        TokenizeHandler tokenizer = new TokenizeHandler(config, new SimVocabulary());
        long created = System.currentTimeMillis() / 1000;
        String models = OpenAiJson.models(
                config.model(),
                created,
                config.maxModelLen(),
                String.format("modelperm-%016x%016x", SimTokenizer.mix(config.seed()), SimTokenizer.mix(created)));
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.prefer405over404 = true;
            cfg.http.disableCompression();
            QueuedThreadPool pool = new QueuedThreadPool(config.httpThreads(), 16, 60_000);
            pool.setName("vllm-sim-http");
            cfg.jetty.threadPool = pool;
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector c =
                        new ServerConnector(server, 1, 1, new org.eclipse.jetty.server.HttpConnectionFactory(http));
                c.setHost(config.host());
                c.setPort(config.port());
                c.setAcceptQueueSize(4096);
                c.setIdleTimeout(300_000);
                return c;
            });
        });
        app.post("/v1/completions", ctx -> completions.handle(ctx, false));
        app.post("/v1/chat/completions", ctx -> completions.handle(ctx, true));
        app.get("/v1/models", ctx -> ctx.contentType("application/json").result(models));
        app.post("/tokenize", tokenizer::tokenize);
        app.post("/detokenize", tokenizer::detokenize);
        app.get(
                "/version",
                ctx -> ctx.contentType("application/json").result("{\"version\":\"" + VLLM_VERSION + "\"}"));
        app.get("/health", ctx -> ctx.status(200));
        app.get("/ping", ctx -> ctx.status(200));
        app.post("/ping", ctx -> ctx.status(200));
        // Starlette's answers for unknown routes and methods, through vLLM's HTTPException handler
        app.exception(io.javalin.http.NotFoundResponse.class, (e, ctx) -> {
            ctx.status(404);
            routeError(ctx, 404, "Not Found");
        });
        app.exception(io.javalin.http.MethodNotAllowedResponse.class, (e, ctx) -> {
            ctx.status(405);
            routeError(ctx, 405, "Method Not Allowed");
        });
        app.get("/metrics", ctx -> MetricsEndpoint.serve(ctx.req(), ctx.res(), ScrapeResponder.of(metrics::families)));
    }

    private static void routeError(io.javalin.http.Context ctx, int code, String phrase) {
        ctx.contentType("application/json").result(OpenAiJson.error(phrase, phrase, null, code));
    }

    /** Starts the engine thread and the HTTP server; the port is bound when this returns. */
    public static VllmSimulator start(SimulatorConfig config) {
        return start(config, System::nanoTime);
    }

    /** As {@link #start(SimulatorConfig)} with the engine's wall clock (tests move it, then {@link #wakeEngine}). */
    static VllmSimulator start(SimulatorConfig config, LongSupplier ticker) {
        VllmSimulator s = new VllmSimulator(config, ticker);
        s.loop.start();
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.loop.close();
            throw e;
        }
        return s;
    }

    /**
     * Advances after every engine step, hand-out of tokens and idle look: tests and tools that must
     * see the engine retire what a client already received wait for it instead of polling.
     */
    public Phaser engineProgress() {
        return loop.progress();
    }

    /** Makes the engine look at its ticker now. */
    void wakeEngine() {
        loop.wake();
    }

    /** The bound port. */
    public int port() {
        return app.port();
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Simulated GPU utilisation 0..1: the engine's busy fraction over the last wall-clock second. */
    public double utilization() {
        return loop.getAsDouble();
    }

    @Override
    public double getAsDouble() {
        return utilization();
    }

    /** The vLLM metric families as {@code /metrics} serves them (for in-process use by the daemon). */
    public List<MetricFamily> families() {
        return metrics.families();
    }

    /** Live engine statistics (finished requests, preemptions), for tests and reports. */
    public EngineMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        closed = true;
        app.stop();
        loop.close();
    }
}
