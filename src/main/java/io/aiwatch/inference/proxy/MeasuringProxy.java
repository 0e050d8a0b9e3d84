package io.aiwatch.inference.proxy;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.export.otlp.GenAiSpans;
import io.aiwatch.export.prometheus.ContentNegotiation;
import io.aiwatch.export.prometheus.OpenMetricsFormat;
import io.aiwatch.export.prometheus.TextFormat;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An OpenAI-compatible measuring reverse proxy: forwards every request to the upstream unchanged
 * (headers too, hop-by-hop ones excepted), streams responses back chunk by chunk, and records
 * client-side TTFT, ITL, TPOT, E2E and token counts of completions and chat requests as
 * {@code aiwatch_client_*} families, served on its own {@code GET /metrics}.
 *
 * <p>{@code MeasuringProxy.start(config)} returns a running proxy; {@link #families()} gives its
 * families to the daemon.
 */
public final class MeasuringProxy implements AutoCloseable {
    private final ProxyConfig config;
    private final ClientMetrics metrics;
    private final UpstreamClient client;
    private final Javalin app;

    private MeasuringProxy(ProxyConfig config, GenAiSpans spans) {
        this.config = config;
        this.metrics = new ClientMetrics(config.maxModels());
        this.client = new UpstreamClient(URI.create(config.upstream()), (int) (config.connectTimeoutSeconds() * 1000),
                (int) (config.requestTimeoutSeconds() * 1000));
        ProxyHandler handler = new ProxyHandler(config, client, metrics, spans);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.disableCompression();
            cfg.http.maxRequestSize = 64L << 20;
            QueuedThreadPool pool = new QueuedThreadPool(config.httpThreads(), 16, 60_000);
            pool.setName("aiwatch-proxy-http");
            cfg.jetty.threadPool = pool;
            cfg.jetty.modifyHttpConfiguration(h -> {
                h.setSendServerVersion(false);
                h.setSendDateHeader(false);
            });
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
                c.setHost(config.host());
                c.setPort(config.port());
                c.setAcceptQueueSize(4096);
                c.setIdleTimeout(300_000);
                return c;
            });
        });
        app.get("/metrics", this::serveMetrics);
        for (HandlerType t : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH)) {
            app.addHttpHandler(t, "/*", handler::handle);
        }
    }

    /** Starts the proxy; the port is bound when this returns. */
    public static MeasuringProxy start(ProxyConfig config) {
        return start(config, null);
    }

    /**
     * Starts the proxy recording one span per measured request into {@code spans} (null: no spans)
     * and sending the span's {@code traceparent} upstream; the latency histograms then carry the
     * trace ids as exemplars. The caller owns and closes {@code spans}.
     */
    public static MeasuringProxy start(ProxyConfig config, GenAiSpans spans) {
        MeasuringProxy p = new MeasuringProxy(config, spans);
        p.app.start();
        return p;
    }

    public int port() {
        return app.port();
    }

    public ProxyConfig config() {
        return config;
    }

    /** The {@code aiwatch_client_*} families, current values. */
    public List<MetricFamily> families() {
        return metrics.families();
    }

    public ClientMetrics metrics() {
        return metrics;
    }

    /** Text 0.0.4, or OpenMetrics (with exemplars) when the scraper asks for it. */
    private void serveMetrics(Context ctx) {
        List<MetricFamily> families = metrics.families();
        if (ContentNegotiation.format(ctx.header("Accept")) == ContentNegotiation.Format.OPENMETRICS_1_0_0) {
            ctx.contentType(OpenMetricsFormat.CONTENT_TYPE).result(OpenMetricsFormat.render(families));
            return;
        }
        StringBuilder sb = new StringBuilder(16 * 1024);
        for (MetricFamily f : families) {
            TextFormat.write(sb, f);
        }
        ctx.contentType(TextFormat.CONTENT_TYPE).result(sb.toString());
    }

    @Override
    public void close() {
        app.stop();
        client.close();
    }
}
