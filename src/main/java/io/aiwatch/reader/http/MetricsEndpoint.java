package io.aiwatch.reader.http;

import com.sun.net.httpserver.HttpExchange;
import io.aiwatch.reader.exposition.ScrapeResponder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The server adapters of {@link ScrapeResponder}: every {@code /metrics} endpoint answers through
 * one of these, so all of them negotiate, compress and format alike. Servlet servers (Javalin's
 * {@code ctx.req()}/{@code ctx.res()}, the proxy's bare Jetty handler) and the JDK's
 * {@code com.sun.net.httpserver} (the load generator's live metrics).
 */
public final class MetricsEndpoint {
    private MetricsEndpoint() {}

    /** Answers a scrape on a servlet response: status 200, headers, body (length known unless gzipped). */
    public static void serve(HttpServletRequest req, HttpServletResponse res, ScrapeResponder.Body body)
            throws IOException {
        ScrapeResponder.Response r =
                ScrapeResponder.respond(req.getHeader("Accept"), req.getHeader("Accept-Encoding"), body);
        res.setStatus(200);
        r.headers().forEach(res::setHeader);
        if (r.contentLength() >= 0) {
            res.setContentLengthLong(r.contentLength());
        }
        r.writeTo(res.getOutputStream());
    }

    /** Answers a scrape on a JDK HTTP server exchange, and closes it. */
    public static void serve(HttpExchange exchange, ScrapeResponder.Body body) throws IOException {
        try (exchange) {
            ScrapeResponder.Response r = ScrapeResponder.respond(
                    exchange.getRequestHeaders().getFirst("Accept"),
                    exchange.getRequestHeaders().getFirst("Accept-Encoding"),
                    body);
            r.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            // 0: chunked, for a gzipped body whose length is known only once written.
            exchange.sendResponseHeaders(200, r.contentLength() >= 0 ? r.contentLength() : 0);
            OutputStream out = exchange.getResponseBody();
            r.writeTo(out);
        }
    }
}
