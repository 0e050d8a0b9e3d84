package io.aiwatch.tool.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.aiwatch.collect.Exemplar;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.openai.StreamMeter;
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
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Forwards one request and measures it. For a plain-HTTP upstream the request thread sends the
 * request and returns; a {@link ForwardLoop} reads the response and passes each piece on at once
 * ({@link AsyncExchange}). For an https upstream the request thread blocks on the upstream body
 * and writes each piece to the client (with a flush) as soon as it arrives. Either way the
 * measuring happens after the write, off the forwarding path. Header values are never logged.
 */
final class ProxyHandler {
    private static final Logger LOG = Logger.getLogger(ProxyHandler.class.getName());
    /** Hop-by-hop headers (RFC 9110 7.6.1) and those java.net.http sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "expect",
            "http2-settings");

    private static final JsonFactory JSON = new JsonFactory();

    private final ProxyConfig config;
    /** The proxy's clock: every timestamp it takes (System::nanoTime but in tests). */
    private final LongSupplier ticker;

    private final UpstreamClient client;
    /** Upstream failures are logged at most once per 10 s (they are all counted). */
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final java.util.concurrent.atomic.AtomicLong lastWarnNanos;
    private final java.util.concurrent.atomic.AtomicLong suppressedWarnings =
            new java.util.concurrent.atomic.AtomicLong();
    private final String prefix;
    private final ClientMetrics metrics;
    /** Request spans, or null when off. */
    private final GenAiSpans spans;

    private final URI upstream;
    /** The non-blocking upstream (plain HTTP), or null when {@link #client} serves (https). */
    private final NioUpstream nio;

    private final String nioHostHeader;

    /** Exactly one of {@code client} (blocking, any scheme) and {@code nio} (plain HTTP) is non-null. */
    ProxyHandler(
            ProxyConfig config,
            UpstreamClient client,
            NioUpstream nio,
            ClientMetrics metrics,
            GenAiSpans spans,
            LongSupplier ticker) {
        this.ticker = ticker;
        this.lastWarnNanos = new java.util.concurrent.atomic.AtomicLong(ticker.getAsLong() - WARN_EVERY_NANOS - 1);
        this.config = config;
        this.client = client;
        this.nio = nio;
        this.nioHostHeader = nio == null ? null : nio.hostHeader(URI.create(config.upstream()));
        this.spans = spans;
        this.upstream = URI.create(config.upstream());
        String p = URI.create(config.upstream()).getRawPath();
        this.prefix = p == null ? "" : p;
        this.metrics = metrics;
    }

    /** Largest request body forwarded, bytes; a larger one is answered 413 without contacting the upstream. */
    static final long MAX_REQUEST_BYTES = 64L << 20;
    /** Largest non-streamed response body read for its usage, bytes; a larger one is only timed. */
    static final int MAX_METERED_BODY = 8 << 20;

    void handle(HttpServletRequest req, HttpServletResponse res) throws IOException {
        long entry = ticker.getAsLong();
        String method = req.getMethod();
        String path = req.getRequestURI();
        String query = req.getQueryString();
        long declared = req.getContentLengthLong();
        if (declared > MAX_REQUEST_BYTES) {
            respond(
                    res,
                    413,
                    "request body of " + declared + " bytes exceeds the proxy's limit of " + MAX_REQUEST_BYTES,
                    "BadRequestError");
            return;
        }
        byte[] body = req.getInputStream().readNBytes((int) MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            respond(
                    res,
                    413,
                    "request body exceeds the proxy's limit of " + MAX_REQUEST_BYTES + " bytes",
                    "BadRequestError");
            return;
        }
        boolean measured = "POST".equals(method) && path.endsWith("/completions");
        String rawModel = measured ? model(body) : null;
        String model = measured ? metrics.modelLabel(rawModel) : null;

        List<String[]> headers = new ArrayList<>();
        Set<String> skip = connectionTokens(req.getHeaders("Connection"));
        Traced traced = measured && spans != null
                ? new Traced(
                        GenAiSpans.newIds(req.getHeader("traceparent")),
                        path.endsWith("/chat/completions") ? "chat" : "text_completion",
                        rawModel == null || rawModel.length() <= 256 ? rawModel : rawModel.substring(0, 256),
                        System.currentTimeMillis() * 1_000_000L - ticker.getAsLong())
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
        Call call = new Call(measured, model, traced, entry);
        if (nio != null) {
            byte[] request = UpstreamClient.requestBytes(
                    method, prefix + path + (query == null ? "" : "?" + query), nioHostHeader, headers, body);
            jakarta.servlet.AsyncContext async = req.startAsync();
            async.setTimeout(0); // the forward loop enforces the upstream timeout
            AsyncExchange exchange = new AsyncExchange(call, async, res, request, nio, "HEAD".equals(method));
            exchange.listen(); // now, on this thread: set later, the container would wake a thread to call it back
            nio.start(exchange);
            return;
        }
        UpstreamClient.Response up;
        try {
            up = client.send(method, prefix + path + (query == null ? "" : "?" + query), headers, body);
        } catch (UpstreamClient.ConnectFailed e) {
            call.fail(
                    res,
                    502,
                    "connect",
                    "upstream connection failed: " + e.getCause().getClass().getSimpleName());
            return;
        } catch (SocketTimeoutException e) {
            call.fail(
                    res,
                    504,
                    "timeout",
                    "upstream did not answer within " + seconds(config.requestTimeoutSeconds()) + " s");
            return;
        } catch (IOException e) {
            call.fail(res, 502, "io", "upstream request failed: " + e.getClass().getSimpleName());
            return;
        }
        call.sent(up.sentNanos);
        call.head(res, up.status, up.headers);
        byte[] buf = new byte[16 * 1024];
        try (up) {
            InputStream in = up.body;
            OutputStream out = res.getOutputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    call.streamBroke(e);
                    call.end();
                    abortClient(req, e);
                    return; // the finally block's end() is a no-op now
                }
                if (n < 0) {
                    break;
                }
                long t = ticker.getAsLong();
                try {
                    out.write(buf, 0, n);
                    out.flush();
                    call.forwarded(ticker.getAsLong() - t);
                } catch (IOException e) {
                    call.clientAborted();
                    break; // closing the upstream body cancels the upstream request
                }
                call.piece(buf, 0, n, t);
            }
        } catch (IOException e) {
            call.clientAborted(); // could not even open the client stream
        } finally {
            call.end();
        }
    }

    /**
     * What one request records, whichever path forwards it: created on the request thread, then
     * used by one thread at a time (the request thread, or the forward loop under the exchange's
     * monitor).
     */
    final class Call {
        private final boolean measured;
        private final String model;
        private final Traced traced;
        private final long entryNanos;
        /** When forwarding began (nanoTime): the client's clock starts here. */
        private final long start;

        private StreamMeter meter;
        private String status = ClientMetrics.STATUS_CLIENT_ABORT;
        /** Recorded already (a failure): {@link #end} does nothing more. */
        private boolean recorded;

        Call(boolean measured, String model, Traced traced, long entryNanos) {
            this.measured = measured;
            this.model = model;
            this.traced = traced;
            this.entryNanos = entryNanos;
            if (measured) {
                metrics.inFlight.incrementAndGet();
            }
            this.start = ticker.getAsLong();
        }

        /** The request was written to the upstream at {@code sentNanos}. */
        void sent(long sentNanos) {
            metrics.requestForward.observe((sentNanos - entryNanos) / 1e9);
        }

        /** The upstream answered: copies its status and end-to-end headers to the client response. */
        void head(HttpServletResponse res, int code, List<String[]> upHeaders) {
            res.setStatus(code);
            Set<String> upSkip = new HashSet<>();
            String type = "";
            for (String[] h : upHeaders) {
                if (h[0].equalsIgnoreCase("connection")) {
                    upSkip.addAll(connectionTokens(Collections.enumeration(List.of(h[1]))));
                } else if (h[0].equalsIgnoreCase("content-type")) {
                    type = h[1];
                }
            }
            for (String[] h : upHeaders) {
                String lower = h[0].toLowerCase(Locale.ROOT);
                if ((HOP_BY_HOP.contains(lower) && !lower.equals("content-length")) || upSkip.contains(lower)) {
                    continue;
                }
                res.addHeader(h[0], h[1]);
            }
            meter = measured ? new StreamMeter(type.startsWith("text/event-stream"), MAX_METERED_BODY, false) : null;
            status = ClientMetrics.statusLabel(code);
        }

        /** Response bytes that arrived from the upstream at {@code nanos} and were passed on. */
        void piece(byte[] b, int off, int len, long nanos) {
            if (meter != null) {
                meter.feed(b, off, len, nanos);
            }
        }

        /** One write to the client took {@code nanos}. */
        void forwarded(long nanos) {
            metrics.forward.observe(nanos / 1e9);
        }

        void streamBroke(Exception e) {
            status = ClientMetrics.STATUS_STREAM_ERROR;
            metrics.upstreamError("stream");
            LOG.fine(() -> "upstream stream broke: " + e.getClass().getSimpleName());
        }

        void clientAborted() {
            status = ClientMetrics.STATUS_CLIENT_ABORT;
        }

        /** The exchange left its forward loop (its open-stream count went down). */
        void left() {
            metrics.changed();
        }

        /** The exchange is over: records it. */
        void end() {
            if (measured && !recorded) {
                recorded = true;
                metrics.inFlight.decrementAndGet();
                if (meter == null) {
                    meter = new StreamMeter(false, 0, false); // ended before any answer
                }
                record(model, status, meter, traced, start);
            }
        }

        /** The upstream could not be used: answers the client {@code code} and records the failure. */
        void fail(HttpServletResponse res, int code, String reason, String message) {
            recorded = true;
            ProxyHandler.this.fail(res, measured, model, traced, start, code, reason, message);
        }

        /** As {@link #fail} but leaves the writing to the caller: returns the error body, null if the response is committed. */
        byte[] failAsync(HttpServletResponse res, int code, String reason, String message) {
            recorded = true;
            recordFailure(measured, model, traced, start, code, reason, message);
            return errorHead(res, code, message, errorType(code));
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
        m.finish(m.lastByteNanos());
        ClientMetrics.Series s = metrics.series(model, status);
        s.requests.increment();
        // a stream ends at its last token chunk, anything else at its last byte
        long last = m.sse() && m.lastTokenNanos() >= 0 ? m.lastTokenNanos() : m.lastByteNanos();
        double e2e = last < 0 ? Double.NaN : (last - start) / 1e9;
        long end = last >= 0 ? last : ticker.getAsLong();
        // output tokens: usage when present, else counted content chunks (streams), else unknown
        int out = m.usageCompletion() >= 0 ? m.usageCompletion() : m.sse() ? m.contentChunks() : -1;
        if (traced != null) {
            spans.record(
                    new GenAiSpans.Request(
                            traced.operation(),
                            null,
                            traced.requestModel(),
                            m.responseModel(),
                            upstream,
                            start + traced.epochOffsetNanos(),
                            m.firstTokenNanos() >= 0 ? m.firstTokenNanos() + traced.epochOffsetNanos() : -1,
                            end + traced.epochOffsetNanos(),
                            m.usagePrompt(),
                            out,
                            m.finishReasons(),
                            status.equals("200") ? null : status),
                    traced.ids());
        }
        if (!Double.isNaN(e2e)) {
            s.e2e.observe(e2e, traced == null ? null : traced.exemplar(e2e, end));
        }
        if (m.usagePrompt() >= 0) {
            s.promptTokens.observe(m.usagePrompt());
        }
        if (out >= 0) {
            s.outputTokens.observe(out);
        }
        if (m.sse() && m.firstTokenNanos() >= 0) {
            double ttft = (m.firstTokenNanos() - start) / 1e9;
            s.ttft.observe(ttft, traced == null ? null : traced.exemplar(ttft, m.firstTokenNanos()));
            for (long g : m.gapNanos()) {
                s.itl.observe(g / 1e9);
            }
            if (out > 1) {
                double tpot = (e2e - ttft) / (out - 1);
                s.tpot.observe(tpot, traced == null ? null : traced.exemplar(tpot, end));
            }
        }
        metrics.changed();
    }

    private void fail(
            HttpServletResponse res,
            boolean measured,
            String model,
            Traced traced,
            long start,
            int code,
            String reason,
            String message) {
        recordFailure(measured, model, traced, start, code, reason, message);
        respond(res, code, message, errorType(code));
    }

    private static String errorType(int code) {
        return code == 504 ? "GatewayTimeout" : "BadGateway";
    }

    /** Counts, logs (rate-limited, no header values) and traces an upstream failure. */
    private void recordFailure(
            boolean measured, String model, Traced traced, long start, int code, String reason, String message) {
        metrics.upstreamError(reason);
        long now = ticker.getAsLong();
        if (traced != null) {
            spans.record(
                    new GenAiSpans.Request(
                            traced.operation(),
                            null,
                            traced.requestModel(),
                            null,
                            upstream,
                            start + traced.epochOffsetNanos(),
                            -1,
                            now + traced.epochOffsetNanos(),
                            -1,
                            -1,
                            List.of(),
                            Integer.toString(code)),
                    traced.ids());
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
        metrics.changed();
    }

    /**
     * Sets status, type and length of an error in the body current vLLM and OpenAI send
     * ({@code {"error":{"message","type","param","code"}}}, which the OpenAI SDKs parse) and
     * returns it; null when the response is already committed (streaming began), which is then
     * left as it is.
     */
    static byte[] errorHead(HttpServletResponse res, int code, String message, String type) {
        StringBuilder sb = new StringBuilder("{\"error\":{\"message\":\"");
        sb.append(message.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\",\"type\":\"")
                .append(type)
                .append("\",\"param\":null,\"code\":")
                .append(code)
                .append("}}");
        if (res.isCommitted()) {
            return null;
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        res.setStatus(code);
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        return bytes;
    }

    /** Answers an OpenAI-style JSON error with a blocking write; a committed response is left as it is. */
    static void respond(HttpServletResponse res, int code, String message, String type) {
        byte[] bytes = errorHead(res, code, message, type);
        if (bytes == null) {
            return;
        }
        try {
            res.getOutputStream().write(bytes);
        } catch (IOException e) {
            // the client went away; nothing to tell it
        }
    }

    /**
     * Cuts the client's connection without ending the response, so that a client reading a body
     * the upstream broke off sees an error (a missing last chunk, or fewer bytes than announced)
     * instead of a response that looks whole.
     */
    static void abortClient(jakarta.servlet.ServletRequest req, Throwable cause) {
        org.eclipse.jetty.server.Request base = org.eclipse.jetty.server.Request.getBaseRequest(req);
        if (base != null) {
            base.getHttpChannel().abort(cause);
        }
    }

    /** Seconds for messages: "1", "2.5". */
    static String seconds(double s) {
        return s == Math.rint(s) && Math.abs(s) < 1e15 ? Long.toString((long) s) : Double.toString(s);
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
