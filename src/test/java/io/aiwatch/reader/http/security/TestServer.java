package io.aiwatch.reader.http.security;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.reader.exposition.ScrapeResponder;
import io.aiwatch.reader.http.MetricsEndpoint;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * A Javalin app wired the way the daemon is meant to be: {@link WebSecurity#install}, a
 * {@link ScrapeLimiter} around {@code /metrics}, and a metrics handler that negotiates format and gzip.
 */
final class TestServer implements AutoCloseable {
    final Javalin app;
    final WebSecurity security;
    final ScrapeLimiter limiter;

    TestServer(WebSecurity security, HardeningConfig limits, Handler extraMetricsWork) {
        this.security = security;
        this.limiter = new ScrapeLimiter(limits.maxConcurrentScrapes());
        HardenedServer hardened = new HardenedServer(limits);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            security.install(cfg, "127.0.0.1", 0, hardened);
        });
        app.get("/metrics", limiter.wrap(ctx -> {
            if (extraMetricsWork != null) {
                extraMetricsWork.handle(ctx);
            }
            List<MetricFamily> families = new ArrayList<>();
            families.add(MetricFamily.builder("DCGM_FI_DEV_GPU_TEMP", MetricType.GAUGE, "GPU temperature (in C).")
                    .add(Labels.of("gpu", "0", "UUID", "GPU-1"), 41)
                    .build());
            families.addAll(limiter.families());
            families.addAll(security.families());
            MetricsEndpoint.serve(ctx.req(), ctx.res(), ScrapeResponder.of(() -> families));
        }));
        app.get("/health", ctx -> ctx.result("OK"));
        app.start();
    }

    int port() {
        return app.port();
    }

    String url(String path) {
        return (security.tlsEnabled() ? "https" : "http") + "://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        app.stop();
    }
}
