package io.aiwatch.reader.exposition;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * The one scrape handler of every {@code /metrics} endpoint (the daemon's, the simulator's, the
 * standalone proxy's, the load generator's), apart from any HTTP server: from the request's
 * {@code Accept} and {@code Accept-Encoding} it picks the format (text 0.0.4 or OpenMetrics 1.0.0,
 * {@link ContentNegotiation}) and gzip, and hands back the headers and the body to send. A server
 * adapter ({@code reader.http.MetricsEndpoint}) only copies them to its response.
 */
public final class ScrapeResponder {
    private ScrapeResponder() {}

    /** An endpoint's content in a given format: byte arrays to send in order, never modified. */
    @FunctionalInterface
    public interface Body {
        List<byte[]> render(Format format);
    }

    /** The body of an endpoint whose families are computed on each scrape (the tools' live counters). */
    public static Body of(Supplier<List<MetricFamily>> families) {
        return format -> List.of(format.render(families.get()));
    }

    /** Negotiates and renders; either header may be null. */
    public static Response respond(String accept, String acceptEncoding, Body body) {
        ContentNegotiation.Choice choice = ContentNegotiation.negotiate(accept, acceptEncoding);
        return new Response(choice.format(), choice.gzip(), body.render(choice.format()));
    }

    /**
     * What to answer a scrape with (status 200).
     *
     * @param format the negotiated format
     * @param gzip   compress the body ({@code Content-Encoding: gzip}) while writing it
     * @param parts  the uncompressed body, in order
     */
    public record Response(Format format, boolean gzip, List<byte[]> parts) {
        public Response {
            parts = List.copyOf(parts);
        }

        /** Response headers: {@code Content-Type}, {@code Vary} and, when gzipped, {@code Content-Encoding}. */
        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", format.contentType());
            h.put("Vary", "Accept, Accept-Encoding");
            if (gzip) {
                h.put("Content-Encoding", "gzip");
            }
            return h;
        }

        /** Bytes {@link #writeTo} sends, or -1 when gzipped (compressed as it streams, length unknown). */
        public long contentLength() {
            if (gzip) {
                return -1;
            }
            long n = 0;
            for (byte[] p : parts) {
                n += p.length;
            }
            return n;
        }

        /** Writes the body, compressing when {@link #gzip}; closes nothing but the gzip stream's trailer. */
        public void writeTo(OutputStream out) throws IOException {
            if (gzip) {
                GZIPOutputStream gz = new GZIPOutputStream(out, 16 * 1024);
                for (byte[] p : parts) {
                    gz.write(p);
                }
                gz.finish();
                return;
            }
            for (byte[] p : parts) {
                out.write(p);
            }
        }
    }
}
