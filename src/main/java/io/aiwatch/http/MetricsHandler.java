package io.aiwatch.http;

import io.aiwatch.export.prometheus.ContentNegotiation;
import io.aiwatch.export.prometheus.ExpositionRenderer;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code GET /metrics}: renders the store in the negotiated format (text 0.0.4 unless the
 * scraper accepts OpenMetrics 1.0), gzipped when accepted; never calls a collector.
 */
final class MetricsHandler implements Handler {
    private final ExpositionRenderer renderer;

    MetricsHandler(ExpositionRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public void handle(Context ctx) {
        var choice = ContentNegotiation.negotiate(ctx.header("Accept"), ctx.header("Accept-Encoding"));
        byte[] body = renderer.render(choice.format());
        ctx.header("Vary", "Accept, Accept-Encoding").contentType(choice.format().contentType());
        if (choice.gzip()) {
            ctx.header("Content-Encoding", "gzip");
            body = ContentNegotiation.gzip(body);
        }
        ctx.result(body);
    }
}
