package io.aiwatch.tool.loadgen.live;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.reader.exposition.ScrapeResponder;
import io.aiwatch.reader.http.MetricsEndpoint;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** Serves a run's {@link LiveMetrics} on GET /metrics ({@link MetricsEndpoint}) with one thread. */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    public MetricsServer(String host, int port, LiveMetrics metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new LoadgenException("cannot listen on --metrics-port " + host + ":" + port + ": " + e.getMessage());
        }
        // OpenMetrics (with exemplars when traced) when asked, gzip when accepted: as every /metrics.
        server.createContext(
                "/metrics", exchange -> MetricsEndpoint.serve(exchange, ScrapeResponder.of(metrics::families)));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loadgen-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
