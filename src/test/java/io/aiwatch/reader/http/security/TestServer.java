package io.aiwatch.reader.http.security;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.reader.exposition.ContentNegotiation;
import io.aiwatch.reader.exposition.OpenMetricsFormat;
import io.aiwatch.reader.exposition.TextFormat;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
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
            var choice = ContentNegotiation.negotiate(ctx.header("Accept"), ctx.header("Accept-Encoding"));
            List<MetricFamily> families = new ArrayList<>();
            families.add(MetricFamily.builder("DCGM_FI_DEV_GPU_TEMP", MetricType.GAUGE, "GPU temperature (in C).")
                    .add(Labels.of("gpu", "0", "UUID", "GPU-1"), 41)
                    .build());
            families.addAll(limiter.families());
            families.addAll(security.families());
            StringBuilder sb = new StringBuilder();
            if (choice.format() == ContentNegotiation.Format.OPENMETRICS_1_0_0) {
                families.forEach(f -> OpenMetricsFormat.write(sb, f));
                OpenMetricsFormat.writeEof(sb);
            } else {
                families.forEach(f -> TextFormat.write(sb, f));
            }
            byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
            ctx.header("Vary", "Accept, Accept-Encoding")
                    .contentType(choice.format().contentType());
            if (choice.gzip()) {
                ctx.header("Content-Encoding", "gzip");
                body = ContentNegotiation.gzip(body);
            }
            ctx.result(body);
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
