package io.aiwatch.http;

import io.aiwatch.export.prometheus.ExpositionRenderer;
import io.aiwatch.export.prometheus.TextFormat;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** {@code GET /metrics}: renders the store; never calls a collector. */
final class MetricsHandler implements Handler {
    private final ExpositionRenderer renderer;

    MetricsHandler(ExpositionRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public void handle(Context ctx) {
        ctx.contentType(TextFormat.CONTENT_TYPE);
        ctx.result(renderer.render());
    }
}
