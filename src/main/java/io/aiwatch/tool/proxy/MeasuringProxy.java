package io.aiwatch.tool.proxy;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.reader.exposition.ScrapeResponder;
import io.aiwatch.reader.http.MetricsEndpoint;
import io.aiwatch.reader.otlp.GenAiSpans;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An OpenAI-compatible measuring reverse proxy: forwards every request to the upstream unchanged
 * (headers too, hop-by-hop ones excepted), streams responses back chunk by chunk, and records
 * client-side TTFT, ITL, TPOT, E2E and token counts of completions and chat requests as
 * {@code aiwatch_client_*} families, served on its own {@code GET /metrics}.
 *
 * <p>Served by a bare Jetty handler rather than Javalin: the proxy has one route and one
 * catch-all, and every request crosses the HTTP stack twice (in, and out to the upstream), so it
 * skips the servlet and routing layers it does not use.
 *
 * <p>{@code MeasuringProxy.start(config)} returns a running proxy; {@link #families()} gives its
 * families to the daemon.
 */
public final class MeasuringProxy implements AutoCloseable {
    private final ProxyConfig config;
    private final ClientMetrics metrics;
    /** The blocking upstream client (https upstreams), or null. */
    private final UpstreamClient client;
    /** The non-blocking upstream (plain HTTP), or null. */
    private final NioUpstream nio;

    private final Server server;
    private final ServerConnector connector;

    private MeasuringProxy(ProxyConfig config, GenAiSpans spans, boolean blockingUpstream, LongSupplier ticker) {
        this.config = config;
        this.metrics = new ClientMetrics(config.maxModels());
        URI up = URI.create(config.upstream());
        if (blockingUpstream || "https".equals(up.getScheme())) {
            this.client = new UpstreamClient(
                    up,
                    (int) (config.connectTimeoutSeconds() * 1000),
                    (int) (config.requestTimeoutSeconds() * 1000),
                    ticker);
            this.nio = null;
        } else {
            this.client = null;
            try {
                this.nio = new NioUpstream(
                        up,
                        (int) (config.connectTimeoutSeconds() * 1000),
                        (long) (config.requestTimeoutSeconds() * 1e9),
                        config.effectiveForwardThreads(),
                        ticker);
            } catch (IOException e) {
                throw new IllegalStateException("cannot open the proxy's forward selectors: " + e.getMessage(), e);
            }
        }
        ProxyHandler handler = new ProxyHandler(config, client, nio, metrics, spans, ticker);
        QueuedThreadPool pool = new QueuedThreadPool(config.effectiveHttpThreads(), 8, 60_000);
        pool.setName("aiwatch-proxy-http");
        this.server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // Each write goes to the socket as it is, without a copy into an aggregation buffer and a
        // flush: the proxy writes whole pieces as they come (3 us less per piece, measured).
        http.setOutputAggregationSize(0);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(300_000);
        server.addConnector(connector);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse res)
                    throws IOException {
                base.setHandled(true);
                if ("GET".equals(req.getMethod()) && "/metrics".equals(req.getRequestURI())) {
                    serveMetrics(req, res);
                } else {
                    handler.handle(req, res);
                }
            }
        });
        server.setStopTimeout(2_000);
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
        return start(config, spans, false);
    }

    /** As {@link #start(ProxyConfig, GenAiSpans)}; {@code blockingUpstream} forces the https path for plain HTTP too (tests). */
    static MeasuringProxy start(ProxyConfig config, GenAiSpans spans, boolean blockingUpstream) {
        return start(config, spans, blockingUpstream, System::nanoTime);
    }

    /**
     * As {@link #start(ProxyConfig, GenAiSpans, boolean)} with the clock every timestamp and the
     * forward loops' upstream timeout are taken from (tests drive it by hand; the blocking path's
     * timeouts stay the socket's).
     */
    static MeasuringProxy start(ProxyConfig config, GenAiSpans spans, boolean blockingUpstream, LongSupplier ticker) {
        MeasuringProxy p = new MeasuringProxy(config, spans, blockingUpstream, ticker);
        try {
            p.server.start();
        } catch (Exception e) {
            p.close();
            throw new IllegalStateException(
                    "cannot listen on " + config.host() + ":" + config.port() + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
        return p;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The request thread pool's cap (tests: the automatic cap is applied). */
    int maxThreads() {
        return ((QueuedThreadPool) server.getThreadPool()).getMaxThreads();
    }

    public ProxyConfig config() {
        return config;
    }

    /** The {@code aiwatch_client_*} families, current values. */
    public List<MetricFamily> families() {
        return metrics.families();
    }

    /** Streams the forward loops serve now (0 on the blocking path); for tests. */
    int openStreams() {
        return nio == null ? 0 : nio.openStreams();
    }

    /** Makes the forward loops look at the ticker now (tests that move it by hand). */
    void wakeLoops() {
        if (nio != null) {
            nio.wake();
        }
    }

    public ClientMetrics metrics() {
        return metrics;
    }

    /** Text 0.0.4, or OpenMetrics (with exemplars) when the scraper asks for it; gzip when accepted. */
    private void serveMetrics(HttpServletRequest req, HttpServletResponse res) throws IOException {
        MetricsEndpoint.serve(req, res, ScrapeResponder.of(metrics::families));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort; the port is released with the connector
        }
        if (client != null) {
            client.close();
        }
        if (nio != null) {
            nio.close();
        }
    }
}
