package io.aiwatch.reader.http;

import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.config.ListenAddress;
import io.aiwatch.reader.exposition.ExpositionRenderer;
import io.aiwatch.reader.http.security.HardenedServer;
import io.aiwatch.reader.http.security.ScrapeLimiter;
import io.aiwatch.reader.http.security.WebSecurity;
import io.javalin.Javalin;
import java.util.List;
import java.util.function.Supplier;

/**
 * Javalin wiring of the daemon's routes; the handlers do the work. TLS, basic auth, headers and
 * server limits come from {@link WebSecurity} and {@link HardenedServer}; {@code /metrics} is
 * behind the {@link ScrapeLimiter}.
 */
public final class DaemonServer implements AutoCloseable {
    private final Javalin app;

    public DaemonServer(
            SnapshotStore store,
            ExpositionRenderer renderer,
            String version,
            Supplier<List<String>> notes,
            ListenAddress address,
            WebSecurity security,
            HardenedServer hardened,
            ScrapeLimiter limiter) {
        HealthHandlers health = new HealthHandlers(store);
        StatusPage status = new StatusPage(store, version, notes);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            security.install(cfg, address.host(), address.port(), hardened);
        });
        // The store rendered in the negotiated format, gzipped when accepted; never calls a collector.
        app.get("/metrics", limiter.wrap(ctx -> MetricsEndpoint.serve(ctx.req(), ctx.res(), renderer::renderParts)));
        app.get("/health", health::health);
        app.get("/ready", health::ready);
        app.get("/", status::handle);
    }

    /** Binds and starts serving; returns the bound port (useful with port 0). */
    public int start() {
        app.start();
        return app.port();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
