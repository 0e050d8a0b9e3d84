package io.aiwatch.inference.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.aiwatch.collect.Exemplar;
import io.aiwatch.export.otlp.GenAiSpans;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Forwards one request and measures it. Runs on the proxy's HTTP thread, which blocks on the
 * upstream body and writes each piece to the client (with a flush) as soon as it arrives; the
 * measuring happens after the write, off the forwarding path. Header values are never logged.
 */
final class ProxyHandler {
    private static final Logger LOG = Logger.getLogger(ProxyHandler.class.getName());
    /** Hop-by-hop headers (RFC 9110 7.6.1) and those java.net.http sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings");
    private static final JsonFactory JSON = new JsonFactory();

    private final ProxyConfig config;
    private final UpstreamClient client;
    /** Upstream failures are logged at most once per 10 s (they are all counted). */
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private final java.util.concurrent.atomic.AtomicLong lastWarnNanos = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - WARN_EVERY_NANOS - 1);
    private final java.util.concurrent.atomic.AtomicLong suppressedWarnings = new java.util.concurrent.atomic.AtomicLong();
    private final String prefix;
    private final ClientMetrics metrics;
    /** Request spans, or null when off. */
    private final GenAiSpans spans;
    private final URI upstream;

    ProxyHandler(ProxyConfig config, UpstreamClient client, ClientMetrics metrics, GenAiSpans spans) {
        this.config = config;
        this.client = client;
        this.spans = spans;
        this.upstream = URI.create(config.upstream());
        String p = URI.create(config.upstream()).getRawPath();
        this.prefix = p == null ? "" : p;
        this.metrics = metrics;
    }

    /** Largest request body forwarded, bytes; a larger one is answered 413 without contacting the upstream. */
    static final long MAX_REQUEST_BYTES = 64L << 20;

    void handle(HttpServletRequest req, HttpServletResponse res) throws IOException {
        long entry = System.nanoTime();
        String method = req.getMethod();
        String path = req.getRequestURI();
        String query = req.getQueryString();
        long declared = req.getContentLengthLong();
        if (declared > MAX_REQUEST_BYTES) {
            respond(res, 413, "request body of " + declared + " bytes exceeds the proxy's limit of " + MAX_REQUEST_BYTES, "BadRequestError");
            return;
        }
        byte[] body = req.getInputStream().readNBytes((int) MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            respond(res, 413, "request body exceeds the proxy's limit of " + MAX_REQUEST_BYTES + " bytes", "BadRequestError");
            return;
        }
        boolean measured = "POST".equals(method) && path.endsWith("/completions");
        String rawModel = measured ? model(body) : null;
        String model = measured ? metrics.modelLabel(rawModel) : null;

        List<String[]> headers = new ArrayList<>();
        Set<String> skip = connectionTokens(req.getHeaders("Connection"));
        Traced traced = measured && spans != null
                ? new Traced(GenAiSpans.newIds(req.getHeader("traceparent")), path.endsWith("/chat/completions") ? "chat" : "text_completion",
                        rawModel == null || rawModel.length() <= 256 ? rawModel : rawModel.substring(0, 256),
                        System.currentTimeMillis() * 1_000_000L - System.nanoTime())
                : null;
        if (traced != null) {
            headers.add(new String[] {"traceparent", traced.ids().traceparent()}); // our span is the upstream's parent
        }
        for (String name : Collections.list(req.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || skip.contains(lower) || (traced != null && lower.equals("traceparent"))) {
                continue;
            }
            for (String v : Collections.list(req.getHeaders(name))) {
                headers.add(new String[] {name, v});
            }
        }
        if (measured) {
            metrics.inFlight.incrementAndGet();
        }
        long start = System.nanoTime();
        UpstreamClient.Response up;
        try {
            up = client.send(method, prefix + path + (query == null ? "" : "?" + query), headers, body);
        } catch (UpstreamClient.ConnectFailed e) {
            fail(res, measured, model, traced, start, 502, "connect", "upstream connection failed: " + e.getCause().getClass().getSimpleName());
            return;
        } catch (SocketTimeoutException e) {
            fail(res, measured, model, traced, start, 504, "timeout", "upstream did not answer within " + config.requestTimeoutSeconds() + " s");
            return;
        } catch (IOException e) {
            fail(res, measured, model, traced, start, 502, "io", "upstream request failed: " + e.getClass().getSimpleName());
            return;
        }
        metrics.requestForward.observe((up.sentNanos - entry) / 1e9);
        res.setStatus(up.status);
        Set<String> upSkip = new HashSet<>();
        for (String[] h : up.headers) {
            if (h[0].equalsIgnoreCase("connection")) {
                upSkip.addAll(connectionTokens(Collections.enumeration(List.of(h[1]))));
            }
        }
        for (String[] h : up.headers) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if ((HOP_BY_HOP.contains(lower) && !lower.equals("content-length")) || upSkip.contains(lower)) {
                continue;
            }
            res.addHeader(h[0], h[1]);
        }
        String type = up.header("content-type");
        type = type == null ? "" : type;
        StreamMeter meter = measured ? new StreamMeter(type.startsWith("text/event-stream"), start) : null;
        String status = ClientMetrics.statusLabel(up.status);
        byte[] buf = new byte[16 * 1024];
        try (up) {
            InputStream in = up.body;
            OutputStream out = res.getOutputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    status = ClientMetrics.STATUS_STREAM_ERROR;
                    metrics.upstreamError("stream");
                    LOG.fine(() -> "upstream stream broke: " + e.getClass().getSimpleName());
                    break;
                }
                if (n < 0) {
                    break;
                }
                long t = System.nanoTime();
                try {
                    out.write(buf, 0, n);
                    out.flush();
                    metrics.forward.observe((System.nanoTime() - t) / 1e9);
                } catch (IOException e) {
                    status = ClientMetrics.STATUS_CLIENT_ABORT;
                    break; // closing the upstream body cancels the upstream request
                }
                if (meter != null) {
                    meter.feed(buf, 0, n, t);
                }
            }
        } catch (IOException e) {
            status = ClientMetrics.STATUS_CLIENT_ABORT; // could not even open the client stream
        } finally {
            if (measured) {
                metrics.inFlight.decrementAndGet();
                record(model, status, meter, traced, start);
            }
        }
    }

    /** What a traced request needs at its end: the ids sent upstream and the nanoTime → epoch offset. */
    private record Traced(GenAiSpans.TraceIds ids, String operation, String requestModel, long epochOffsetNanos) {
        Exemplar exemplar(double value, long nanos) {
            long epoch = nanos + epochOffsetNanos;
            return Exemplar.ofTrace(ids.traceId(), value, Instant.ofEpochSecond(0, epoch));
        }
    }

    private void record(String model, String status, StreamMeter m, Traced traced, long start) {
        m.finish();
        ClientMetrics.Series s = metrics.series(model, status);
        s.requests.increment();
        double e2e = m.e2e();
        long end = m.sse && m.lastChunkNanos >= 0 ? m.lastChunkNanos : m.endNanos >= 0 ? m.endNanos : System.nanoTime();
        if (traced != null) {
            int out = m.outputTokens();
            spans.record(new GenAiSpans.Request(traced.operation(), null, traced.requestModel(), m.responseModel, upstream,
                    start + traced.epochOffsetNanos(), m.firstChunkNanos >= 0 ? m.firstChunkNanos + traced.epochOffsetNanos() : -1,
                    end + traced.epochOffsetNanos(), m.usagePrompt, out, List.copyOf(m.finishReasons),
                    status.equals("200") ? null : status), traced.ids());
        }
        if (!Double.isNaN(e2e)) {
            s.e2e.observe(e2e, traced == null ? null : traced.exemplar(e2e, end));
        }
        if (m.usagePrompt >= 0) {
            s.promptTokens.observe(m.usagePrompt);
        }
        int out = m.outputTokens();
        if (out >= 0) {
            s.outputTokens.observe(out);
        }
        if (m.streamed()) {
            double ttft = m.ttft();
            if (!Double.isNaN(ttft)) {
                s.ttft.observe(ttft, traced == null ? null : traced.exemplar(ttft, m.firstChunkNanos));
                for (double g : m.gaps()) {
                    s.itl.observe(g);
                }
                if (out > 1) {
                    double tpot = (e2e - ttft) / (out - 1);
                    s.tpot.observe(tpot, traced == null ? null : traced.exemplar(tpot, end));
                }
            }
        }
    }

    private void fail(HttpServletResponse res, boolean measured, String model, Traced traced, long start, int code, String reason,
                      String message) {
        metrics.upstreamError(reason);
        long now = System.nanoTime();
        if (traced != null) {
            spans.record(new GenAiSpans.Request(traced.operation(), null, traced.requestModel(), null, upstream,
                    start + traced.epochOffsetNanos(), -1, now + traced.epochOffsetNanos(), -1, -1, List.of(),
                    Integer.toString(code)), traced.ids());
        }
        long last = lastWarnNanos.get();
        if (now - last > WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now)) {
            long more = suppressedWarnings.getAndSet(0);
            LOG.warning(() -> "proxy: " + message + " (upstream " + config.upstream() + ")"
                    + (more > 0 ? "; " + more + " more upstream failures since the last warning" : ""));
        } else {
            suppressedWarnings.incrementAndGet();
        }
        if (measured) {
            metrics.inFlight.decrementAndGet();
            metrics.series(model, ClientMetrics.statusLabel(code)).requests.increment();
        }
        respond(res, code, message, code == 504 ? "GatewayTimeout" : "BadGateway");
    }

    /** An OpenAI-style JSON error; a response already committed (streaming began) is left as it is. */
    static void respond(HttpServletResponse res, int code, String message, String type) {
        StringBuilder sb = new StringBuilder("{\"object\":\"error\",\"message\":\"");
        sb.append(message.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\"type\":\"")
                .append(type).append("\",\"param\":null,\"code\":").append(code).append('}');
        if (res.isCommitted()) {
            return;
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        res.setStatus(code);
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        try {
            res.getOutputStream().write(bytes);
        } catch (IOException e) {
            // the client went away; nothing to tell it
        }
    }

    /** Header names listed in Connection headers: they are hop-by-hop too. */
    private static Set<String> connectionTokens(java.util.Enumeration<String> values) {
        Set<String> out = new HashSet<>();
        while (values != null && values.hasMoreElements()) {
            for (String t : values.nextElement().split(",")) {
                if (!t.isBlank()) {
                    out.add(t.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** The top-level {@code model} string of a JSON body, or null; reads no further than needed. */
    static String model(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("model".equals(name) && v == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
