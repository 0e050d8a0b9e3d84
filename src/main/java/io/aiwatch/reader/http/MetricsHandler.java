package io.aiwatch.reader.http;

import io.aiwatch.reader.exposition.ContentNegotiation;
import io.aiwatch.reader.exposition.ExpositionRenderer;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET /metrics}: renders the store in the negotiated format (text 0.0.4 unless the
 * scraper accepts OpenMetrics 1.0), gzipped when accepted; never calls a collector. The cached
 * parts are written to the socket one after another, with the length known up front.
 */
final class MetricsHandler implements Handler {
    private final ExpositionRenderer renderer;

    MetricsHandler(ExpositionRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        var choice = ContentNegotiation.negotiate(ctx.header("Accept"), ctx.header("Accept-Encoding"));
        List<byte[]> parts = renderer.renderParts(choice.format());
        ctx.header("Vary", "Accept, Accept-Encoding")
                .contentType(choice.format().contentType());
        if (choice.gzip()) {
            ctx.header("Content-Encoding", "gzip");
            try (OutputStream out = new GZIPOutputStream(ctx.res().getOutputStream(), 16 * 1024)) {
                for (byte[] p : parts) {
                    out.write(p);
                }
            }
            return;
        }
        long length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ctx.res().setContentLengthLong(length);
        OutputStream out = ctx.res().getOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
    }
}
