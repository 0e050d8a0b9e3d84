package io.aiwatch.tool.loadgen.live;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.reader.exposition.ContentNegotiation;
import io.aiwatch.reader.exposition.OpenMetricsFormat;
import io.aiwatch.reader.exposition.TextFormat;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** Serves a run's {@link LiveMetrics} on GET /metrics (text 0.0.4, or OpenMetrics when asked) with one thread. */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    public MetricsServer(String host, int port, LiveMetrics metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new LoadgenException("cannot listen on --metrics-port " + host + ":" + port + ": " + e.getMessage());
        }
        server.createContext("/metrics", exchange -> {
            byte[] body;
            String type;
            if (ContentNegotiation.format(exchange.getRequestHeaders().getFirst("Accept"))
                    == ContentNegotiation.Format.OPENMETRICS_1_0_0) {
                body = OpenMetricsFormat.render(metrics.families()); // with exemplars when traced
                type = OpenMetricsFormat.CONTENT_TYPE;
            } else {
                StringBuilder sb = new StringBuilder(8192);
                for (MetricFamily f : metrics.families()) {
                    TextFormat.write(sb, f);
                }
                body = sb.toString().getBytes(StandardCharsets.UTF_8);
                type = TextFormat.CONTENT_TYPE;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
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
