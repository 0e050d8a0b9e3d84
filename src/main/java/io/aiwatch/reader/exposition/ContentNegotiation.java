package io.aiwatch.reader.exposition;

import io.aiwatch.collect.MetricFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Picks the exposition format and compression of a scrape from its request headers.
 *
 * <p>Format: the acceptable media range with the highest q-value wins; on a tie the one listed
 * first. {@code application/openmetrics-text} (no version, {@code 1.0.0} or {@code 0.0.1}) gives
 * OpenMetrics 1.0.0; {@code text/plain} (any version: our names need no escaping, so 0.0.4 output is
 * valid 1.0.0 output), {@code text/*} and {@code *}{@code /*} give text 0.0.4. Anything else,
 * a missing header, or only {@code q=0} entries fall back to text 0.0.4, never 406: a scraper
 * always gets metrics (Prometheus' content negotiation rule 3).
 *
 * <p>Compression: gzip when {@code Accept-Encoding} lists {@code gzip} (or {@code x-gzip}, or
 * {@code *} when gzip is not named) with a q-value above 0.
 */
public final class ContentNegotiation {
    /** Headers longer than this are only read up to here; a scraper's Accept is ~250 bytes. */
    private static final int MAX_HEADER_CHARS = 4096;

    private static final int MAX_ENTRIES = 64;

    /** A supported exposition format, its response Content-Type and its writer. */
    public enum Format {
        TEXT_0_0_4(TextFormat.CONTENT_TYPE),
        OPENMETRICS_1_0_0(OpenMetricsFormat.CONTENT_TYPE);

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        /** Writes one family in this format. */
        public void write(StringBuilder out, MetricFamily family) {
            if (this == OPENMETRICS_1_0_0) {
                OpenMetricsFormat.write(out, family);
            } else {
                TextFormat.write(out, family);
            }
        }

        /** A whole exposition of {@code families} in this format (OpenMetrics: with {@code # EOF}), UTF-8. */
        public byte[] render(List<MetricFamily> families) {
            StringBuilder sb = new StringBuilder(16 * 1024);
            for (MetricFamily f : families) {
                write(sb, f);
            }
            if (this == OPENMETRICS_1_0_0) {
                OpenMetricsFormat.writeEof(sb);
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** What to send: the format and whether to gzip the body. */
    public record Choice(Format format, boolean gzip) {}

    private ContentNegotiation() {}

    /** Both decisions at once; either header may be null. */
    public static Choice negotiate(String accept, String acceptEncoding) {
        return new Choice(format(accept), acceptsGzip(acceptEncoding));
    }

    /** The format for an {@code Accept} header (null or blank: text 0.0.4). */
    public static Format format(String accept) {
        if (accept == null || accept.isBlank()) {
            return Format.TEXT_0_0_4;
        }
        Format best = null;
        double bestQ = 0;
        String[] entries = bounded(accept).split(",", MAX_ENTRIES + 1);
        for (int i = 0; i < Math.min(entries.length, MAX_ENTRIES); i++) {
            String[] parts = entries[i].split(";", -1);
            String media = parts[0].trim().toLowerCase(Locale.ROOT);
            String version = null;
            double q = 1;
            for (int p = 1; p < parts.length; p++) {
                String param = parts[p].trim();
                int eq = param.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = unquote(param.substring(eq + 1).trim());
                if (key.equals("q")) {
                    q = parseQ(value);
                } else if (key.equals("version")) {
                    version = value;
                }
            }
            Format f = formatOf(media, version);
            if (f != null && q > bestQ) {
                best = f;
                bestQ = q;
            }
        }
        return best == null ? Format.TEXT_0_0_4 : best;
    }

    /** True when the client accepts a gzip-encoded response. */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) {
            return false;
        }
        double gzipQ = -1;
        double starQ = -1;
        String[] entries = bounded(acceptEncoding).split(",", MAX_ENTRIES + 1);
        for (int i = 0; i < Math.min(entries.length, MAX_ENTRIES); i++) {
            String[] parts = entries[i].split(";", -1);
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int p = 1; p < parts.length; p++) {
                String param = parts[p].trim();
                if (param.regionMatches(true, 0, "q=", 0, 2)) {
                    q = parseQ(param.substring(2).trim());
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzipQ = Math.max(gzipQ, q);
            } else if (coding.equals("*")) {
                starQ = Math.max(starQ, q);
            }
        }
        return gzipQ >= 0 ? gzipQ > 0 : starQ > 0;
    }

    /** {@code body} gzip-compressed. */
    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip to memory failed", e);
        }
        return out.toByteArray();
    }

    private static Format formatOf(String media, String version) {
        switch (media) {
            case "application/openmetrics-text":
                if (version == null || version.equals("1.0.0") || version.equals("0.0.1")) {
                    return Format.OPENMETRICS_1_0_0;
                }
                return null;
            case "text/plain":
            case "text/*":
            case "*/*":
                return Format.TEXT_0_0_4;
            default:
                return null;
        }
    }

    /** RFC 9110 qvalue; malformed values count as 0 (not acceptable) rather than failing the scrape. */
    private static double parseQ(String s) {
        try {
            double q = Double.parseDouble(s);
            return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String bounded(String header) {
        return header.length() > MAX_HEADER_CHARS ? header.substring(0, MAX_HEADER_CHARS) : header;
    }
}
