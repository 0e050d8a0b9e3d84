package io.aiwatch.reader.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One span per inference request (from the measuring proxy or the load generator) following the
 * GenAI span conventions: name {@code "{operation} {model}"}, kind CLIENT, {@code gen_ai.*} request,
 * response and usage attributes, {@code server.*}, {@code error.type}, and the first token as a
 * span event at its arrival time. Spans go out over OTLP (same endpoint, headers, compression and
 * retry as the metrics; the http path is {@code /v1/traces}) through the SDK's
 * {@link BatchSpanProcessor}, whose queue is bounded ({@value #MAX_QUEUE} spans; more are dropped,
 * never buffered), so recording never blocks the request path.
 */
public final class GenAiSpans implements AutoCloseable {
    static final int MAX_QUEUE = 2048;
    /** The span event marking the first token (no convention names one yet). */
    public static final String FIRST_TOKEN_EVENT = "gen_ai.first_token";

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();

    /**
     * One finished request, as measured by its client.
     *
     * @param operation     {@code chat} or {@code text_completion} (gen_ai.operation.name)
     * @param provider      gen_ai.provider.name, for example {@code vllm}; null when unknown
     * @param requestModel  the model asked for
     * @param responseModel the model that answered, or null
     * @param server        upstream URI (server.address, server.port)
     * @param startNanos    epoch nanoseconds the request was sent
     * @param firstTokenNanos epoch nanoseconds the first token arrived, or -1
     * @param endNanos      epoch nanoseconds of the last token or byte
     * @param inputTokens   usage.prompt_tokens, or -1
     * @param outputTokens  usage.completion_tokens (or counted chunks), or -1
     * @param finishReasons finish reasons of the choices, possibly empty
     * @param errorType     null on success, else the HTTP status or failure kind ({@code 429}, {@code stream_error})
     */
    public record Request(
            String operation,
            String provider,
            String requestModel,
            String responseModel,
            URI server,
            long startNanos,
            long firstTokenNanos,
            long endNanos,
            int inputTokens,
            int outputTokens,
            List<String> finishReasons,
            String errorType) {}

    /**
     * The ids of a span chosen before the request is sent, so the request can carry them in a W3C
     * {@code traceparent} header and the span recorded later has exactly these ids.
     *
     * @param traceId      32 lower-case hex digits
     * @param spanId       16 hex digits: the client span's own id
     * @param parentSpanId 16 hex digits of the caller's span when the request arrived with a
     *                     {@code traceparent}, else null (the span is a root)
     */
    public record TraceIds(String traceId, String spanId, String parentSpanId) {
        /** The W3C {@code traceparent} value naming this span as the parent (sampled). */
        public String traceparent() {
            return "00-" + traceId + "-" + spanId + "-01";
        }
    }

    /** Pre-chosen ids handed to the SDK's id generator by {@link #record(Request, TraceIds)} on its own thread. */
    private static final ThreadLocal<TraceIds> PENDING = new ThreadLocal<>();

    /** The SDK's random ids, except while {@link #PENDING} holds ids chosen earlier. */
    private static final IdGenerator IDS = new IdGenerator() {
        @Override
        public String generateSpanId() {
            TraceIds p = PENDING.get();
            return p != null ? p.spanId() : IdGenerator.random().generateSpanId();
        }

        @Override
        public String generateTraceId() {
            TraceIds p = PENDING.get();
            return p != null ? p.traceId() : IdGenerator.random().generateTraceId();
        }
    };

    /**
     * Fresh ids for a request about to be sent. {@code incomingTraceparent} (the header the
     * request arrived with, or null) is continued when valid: same trace, its span as the parent.
     */
    public static TraceIds newIds(String incomingTraceparent) {
        String trace = null;
        String parent = null;
        if (incomingTraceparent != null) {
            String t = incomingTraceparent.strip();
            // version "00": 00-<32 hex>-<16 hex>-<2 hex>; other versions keep at least these fields
            if (t.length() >= 55
                    && t.charAt(2) == '-'
                    && t.charAt(35) == '-'
                    && t.charAt(52) == '-'
                    && !t.startsWith("ff")
                    && (t.length() == 55 || !t.startsWith("00"))) {
                String tid = t.substring(3, 35);
                String sid = t.substring(36, 52);
                if (TraceId.isValid(tid)
                        && SpanId.isValid(sid)
                        && isLowerHex(t.substring(0, 2))
                        && isLowerHex(t.substring(53, 55))) {
                    trace = tid;
                    parent = sid;
                }
            }
        }
        if (trace == null) {
            trace = IdGenerator.random().generateTraceId();
        }
        return new TraceIds(trace, IdGenerator.random().generateSpanId(), parent);
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    GenAiSpans(SpanExporter exporter, Resource resource, Duration scheduleDelay) {
        SpanExporter counting = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                CompletableResultCode r = exporter.export(spans);
                r.whenComplete(() -> {
                    if (r.isSuccess()) {
                        exported.addAndGet(spans.size());
                    }
                });
                return r;
            }

            @Override
            public CompletableResultCode flush() {
                return exporter.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return exporter.shutdown();
            }
        };
        this.provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setIdGenerator(IDS)
                .addSpanProcessor(BatchSpanProcessor.builder(counting)
                        .setMaxQueueSize(MAX_QUEUE)
                        .setMaxExportBatchSize(512)
                        .setScheduleDelay(scheduleDelay)
                        .build())
                .build();
        this.tracer = provider.tracerBuilder("io.aiwatch")
                .setSchemaUrl(StoreMetricProducer.SCHEMA_URL)
                .build();
    }

    /** Spans to the collector {@code settings} names (metrics endpoint's {@code /v1/metrics} becomes {@code /v1/traces}). */
    public static GenAiSpans start(OtlpSettings settings, Resource resource) {
        return new GenAiSpans(spanExporter(settings, RetryPolicy.getDefault()), resource, Duration.ofSeconds(1));
    }

    /**
     * Spans to the collector of the {@code otlp:} section (with the environment, as for metrics),
     * or null when OTLP is off (disabled, or {@code OTEL_SDK_DISABLED=true}).
     *
     * @throws IllegalArgumentException when an environment value is invalid
     */
    public static GenAiSpans fromConfig(OtlpConfig config, Map<String, String> env, String version) {
        if (!config.isEnabled()
                || "true"
                        .equalsIgnoreCase(
                                env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
            return null;
        }
        OtlpSettings settings = OtlpSettings.resolve(config, env);
        return start(
                settings, OtlpResource.build(version, OtlpExporter.hostName(env), env, config.resourceAttributes()));
    }

    static SpanExporter spanExporter(OtlpSettings s, RetryPolicy retry) {
        String compression = s.gzip() ? "gzip" : "none";
        if (s.protocol() == OtlpSettings.Protocol.GRPC) {
            JdkHttpSender.requireGrpc("otlp");
            var b = OtlpGrpcSpanExporter.builder()
                    .setEndpoint(s.endpoint().toString())
                    .setTimeout(s.timeout())
                    .setCompression(compression)
                    .setRetryPolicy(retry);
            s.headers().forEach(b::addHeader);
            return b.build();
        }
        JdkHttpSender.select();
        var b = OtlpHttpSpanExporter.builder()
                .setEndpoint(tracesUrl(s.endpoint()))
                .setTimeout(s.timeout())
                .setCompression(compression)
                .setRetryPolicy(retry);
        s.headers().forEach(b::addHeader);
        return b.build();
    }

    static String tracesUrl(URI metrics) {
        String u = metrics.toString();
        return u.endsWith("/v1/metrics") ? u.substring(0, u.length() - "/v1/metrics".length()) + "/v1/traces" : u;
    }

    /** Records one finished request as a span; cheap and non-blocking. Returns the span's trace id. */
    public String record(Request r) {
        return record(r, null);
    }

    /**
     * Records one finished request as a span with the {@code ids} chosen before it was sent (see
     * {@link #newIds}), so the span matches the {@code traceparent} the request carried; null ids:
     * fresh ones. Returns the span's trace id.
     */
    public String record(Request r, TraceIds ids) {
        if (ids == null) {
            return record(r, newIds(null));
        }
        PENDING.set(ids);
        try {
            return build(r, ids);
        } finally {
            PENDING.remove();
        }
    }

    private String build(Request r, TraceIds ids) {
        String model = r.requestModel() == null || r.requestModel().isEmpty() ? "unknown" : r.requestModel();
        SpanBuilder b = tracer.spanBuilder(r.operation() + " " + model).setSpanKind(SpanKind.CLIENT);
        if (ids.parentSpanId() != null) {
            b.setParent(Context.root()
                    .with(Span.wrap(SpanContext.createFromRemoteParent(
                            ids.traceId(), ids.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault()))));
        } else {
            b.setNoParent();
        }
        b.setStartTimestamp(r.startNanos(), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.operation.name", r.operation())
                .setAttribute("gen_ai.request.model", model);
        if (r.provider() != null) {
            b.setAttribute("gen_ai.provider.name", r.provider());
        }
        if (r.responseModel() != null) {
            b.setAttribute("gen_ai.response.model", r.responseModel());
        }
        if (r.server() != null && r.server().getHost() != null) {
            b.setAttribute("server.address", r.server().getHost());
            int port = r.server().getPort() >= 0
                    ? r.server().getPort()
                    : "https".equals(r.server().getScheme()) ? 443 : 80;
            b.setAttribute(AttributeKey.longKey("server.port"), (long) port);
        }
        if (r.inputTokens() >= 0) {
            b.setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), (long) r.inputTokens());
        }
        if (r.outputTokens() >= 0) {
            b.setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), (long) r.outputTokens());
        }
        if (!r.finishReasons().isEmpty()) {
            b.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), r.finishReasons());
        }
        Span span = b.startSpan();
        if (r.firstTokenNanos() >= 0) {
            span.addEvent(
                    FIRST_TOKEN_EVENT,
                    Attributes.of(
                            AttributeKey.doubleKey("gen_ai.server.time_to_first_token"),
                            (r.firstTokenNanos() - r.startNanos()) / 1e9),
                    r.firstTokenNanos(),
                    TimeUnit.NANOSECONDS);
        }
        if (r.errorType() != null) {
            span.setAttribute("error.type", r.errorType());
            span.setStatus(StatusCode.ERROR);
        }
        span.end(r.endNanos(), TimeUnit.NANOSECONDS);
        recorded.incrementAndGet();
        return span.getSpanContext().getTraceId();
    }

    /** Spans recorded so far. */
    public long recorded() {
        return recorded.get();
    }

    /** Spans the collector accepted. */
    public long exported() {
        return exported.get();
    }

    /** Exports what is queued (up to {@code wait}). */
    public void flush(Duration wait) {
        provider.forceFlush().join(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        provider.shutdown().join(2, TimeUnit.SECONDS);
    }
}
