package io.aiwatch.tool.loadgen.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Sends OpenAI-compatible completion / chat-completion requests with the JDK HTTP client
 * (HTTP/1.1, keep-alive, one small executor). Bodies are built before the run where possible, so
 * the send path only wraps bytes. The API key goes into the Authorization header only; it is never
 * logged or written to results.
 */
public final class OpenAiClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final boolean chat;
    private final String model;
    private final boolean stream;
    private final RequestShape shape;
    private final String apiKey;
    private final ExecutorService executor;
    private final HttpClient http;
    private final LongSupplier clock;
    private final NioHttpClient nio;
    /** Request spans, or null (the default): set once before the first send. */
    private volatile GenAiSpans spans;

    /**
     * @param baseUrl   e.g. http://127.0.0.1:8000
     * @param endpoint  /v1/completions or /v1/chat/completions
     * @param threads   executor threads for response handling (JDK client)
     */
    public OpenAiClient(
            String baseUrl,
            String endpoint,
            String model,
            boolean stream,
            boolean ignoreEos,
            String apiKey,
            int threads,
            LongSupplier clock) {
        this(baseUrl, endpoint, model, stream, ignoreEos, apiKey, threads, clock, "auto");
    }

    /**
     * @param transport nio (own HTTP/1.1 client, plain http only), jdk (java.net.http, needed for
     *                  https) or auto (nio for http, jdk for https)
     */
    public OpenAiClient(
            String baseUrl,
            String endpoint,
            String model,
            boolean stream,
            boolean ignoreEos,
            String apiKey,
            int threads,
            LongSupplier clock,
            String transport) {
        this(
                baseUrl,
                endpoint,
                model,
                stream,
                apiKey,
                threads,
                clock,
                transport,
                RequestShape.plain(endpoint, ignoreEos));
    }

    /**
     * @param shape what every request carries besides its prompt (vllm bench serve's request: backend,
     *              model name, ignore_eos, logprobs, extra body and headers, x-request-id, LoRA modules)
     */
    public OpenAiClient(
            String baseUrl,
            String endpoint,
            String model,
            boolean stream,
            String apiKey,
            int threads,
            LongSupplier clock,
            String transport,
            RequestShape shape) {
        try {
            this.uri = URI.create(stripSlash(baseUrl) + endpoint);
        } catch (IllegalArgumentException e) {
            throw new LoadgenException("bad --base-url/--endpoint '" + baseUrl + endpoint + "': " + e.getMessage());
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new LoadgenException("--base-url must start with http:// or https://, got '" + baseUrl + "'");
        }
        this.chat = shape.chat();
        this.model = model;
        this.stream = stream;
        this.shape = shape;
        this.apiKey = apiKey;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "loadgen-http");
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor);
        if (shape.insecure()) {
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            hb.sslContext(Insecure.context());
        }
        this.http = hb.build();
        boolean https = uri.getScheme().equals("https");
        if (!transport.equals("auto") && !transport.equals("nio") && !transport.equals("jdk")) {
            throw new LoadgenException("--http-client must be auto, nio or jdk, got '" + transport + "'");
        }
        if (https && transport.equals("nio")) {
            throw new LoadgenException("--http-client nio speaks plain http only; use jdk (or auto) for https");
        }
        this.nio = !https && !transport.equals("jdk")
                ? new NioHttpClient(
                        uri.getHost(),
                        uri.getPort() > 0 ? uri.getPort() : 80,
                        uri.getRawPath(),
                        apiKey,
                        shape.headers())
                : null;
    }

    /**
     * Records one span per request into {@code spans} (null: none) and sends its W3C
     * {@code traceparent}; call before the run. The caller owns {@code spans}.
     */
    public OpenAiClient tracing(GenAiSpans spans) {
        this.spans = spans;
        return this;
    }

    /** The clock every time of this client's requests is read from, nanoseconds. */
    public LongSupplier clock() {
        return clock;
    }

    public boolean chat() {
        return chat;
    }

    public boolean streamed() {
        return stream;
    }

    /** The JSON body for one turn; history is earlier (user, assistant) pairs. */
    public byte[] body(List<String[]> history, String userText, int maxTokens) {
        return body(history, userText, maxTokens, -1);
    }

    /**
     * The JSON body for one turn of workload item {@code item} (which picks its LoRA module), built
     * field by field as vllm bench serve's request functions build it: completions get
     * {@code model, prompt, repetition_penalty: 1.0, max_tokens, logprobs, stream, stream_options};
     * chat gets {@code model, messages (content as text parts), max_completion_tokens, stream,
     * stream_options}; then {@code ignore_eos} when set, then the extra body, which wins.
     */
    public byte[] body(List<String[]> history, String userText, int maxTokens, int item) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", shape.modelFor(item, model));
        if (chat) {
            ArrayNode messages = root.putArray("messages");
            for (String[] h : history) {
                messages.addObject().put("role", "user").put("content", h[0]);
                messages.addObject().put("role", "assistant").put("content", h[1]);
            }
            ObjectNode user = messages.addObject().put("role", "user");
            user.putArray("content").addObject().put("type", "text").put("text", userText);
            root.put("max_completion_tokens", maxTokens);
        } else {
            StringBuilder prompt = new StringBuilder();
            for (String[] h : history) {
                prompt.append(h[0]).append(' ').append(h[1]).append(' ');
            }
            root.put("prompt", prompt.append(userText).toString());
            root.put("repetition_penalty", 1.0);
            root.put("max_tokens", maxTokens);
            if (shape.logprobs() == null) {
                root.putNull("logprobs");
            } else {
                root.put("logprobs", shape.logprobs());
            }
        }
        root.put("stream", stream);
        if (stream) {
            root.putObject("stream_options").put("include_usage", true);
        }
        if (shape.ignoreEos()) {
            root.put("ignore_eos", true);
        }
        if (shape.extraBody() != null) {
            root.setAll(shape.extraBody());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Responses the warm-up feeds through the response path; enough for the JIT to compile it. */
    static final int WARM_ITERATIONS = 3000;

    /**
     * Makes the client ready before a run's clock starts, without sending a request: opens up to
     * {@code connections} keep-alive connections (plain http) and runs the response path (SSE
     * decoding, stream metering, record building) over canned responses of this client's kind, so
     * the first real requests neither wait for a handshake nor run interpreted code. The JDK client
     * (https) opens connections on first use; only its code paths are warmed.
     *
     * @return connections opened
     */
    public int warm(int connections, byte[] sampleBody) throws InterruptedException {
        int opened = nio != null && connections > 0 ? nio.preconnect(connections, 2000) : 0;
        byte[] canned = canned().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < WARM_ITERATIONS; i++) {
            long now = clock.getAsLong();
            ResponseTracker t = new ResponseTracker(-1, now, now, stream, false, 1, clock, (tr, rec) -> {});
            t.status(200);
            t.bytes(canned, 0, canned.length, now);
            t.end(clock.getAsLong());
        }
        if (nio != null && sampleBody != null) {
            nio.prepare(sampleBody, "x-request-id: warm");
        }
        return opened;
    }

    /** A response like the server's: eight token chunks, usage, [DONE] (or one JSON body unstreamed). */
    private String canned() {
        String object = chat ? "chat.completion.chunk" : "text_completion";
        String choice = chat
                ? "{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,\"finish_reason\":null}"
                : "{\"index\":0,\"text\":\" word\",\"logprobs\":null,\"finish_reason\":null}";
        if (!stream) {
            return "{\"id\":\"w\",\"object\":\"" + object + "\",\"created\":0,\"model\":\"m\",\"choices\":[" + choice
                    + "],\"usage\":{\"prompt_tokens\":1,\"total_tokens\":9,\"completion_tokens\":8}}";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append("data: {\"id\":\"w\",\"object\":\"")
                    .append(object)
                    .append("\",\"created\":0,\"model\":\"m\",\"choices\":[")
                    .append(choice)
                    .append("]}\n\n");
        }
        sb.append("data: {\"id\":\"w\",\"object\":\"")
                .append(object)
                .append("\",\"created\":0,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                        + "\"total_tokens\":9,\"completion_tokens\":8}}\n\ndata: [DONE]\n\n");
        return sb.toString();
    }

    /**
     * Sends one request now. The send time is taken immediately before handing it to the client.
     *
     * @return the tracker, which calls {@code done} exactly once (success, failure or {@link ResponseTracker#fail})
     */
    public ResponseTracker send(
            int position,
            long dueNanos,
            byte[] body,
            int promptTokens,
            boolean keepText,
            BiConsumer<ResponseTracker, RequestRecord> done) {
        GenAiSpans sp = spans;
        GenAiSpans.TraceIds ids = sp == null ? null : GenAiSpans.newIds(null);
        if (sp != null) {
            long epochOffset = System.currentTimeMillis() * 1_000_000L - clock.getAsLong();
            BiConsumer<ResponseTracker, RequestRecord> inner = done;
            done = (tr, rec) -> {
                recordSpan(sp, tr, rec, epochOffset);
                inner.accept(tr, rec);
            };
        }
        String requestId = shape.requestIdPrefix() != null && position >= 0 ? shape.requestIdPrefix() + position : null;
        if (nio != null) {
            String extra = null;
            if (requestId != null) {
                extra = "x-request-id: " + requestId;
            }
            if (ids != null) {
                extra = (extra == null ? "" : extra + "\r\n") + "traceparent: " + ids.traceparent();
            }
            long send = clock.getAsLong();
            ResponseTracker tracker =
                    new ResponseTracker(position, dueNanos, send, stream, keepText, promptTokens, clock, done);
            if (ids != null) {
                tracker.trace(ids);
            }
            nio.send(body, extra, tracker);
            return tracker;
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null && !apiKey.isEmpty()) {
            rb.header("Authorization", "Bearer " + apiKey);
        }
        shape.headers().forEach(rb::header);
        if (requestId != null) {
            rb.header("x-request-id", requestId);
        }
        if (ids != null) {
            rb.header("traceparent", ids.traceparent());
        }
        HttpRequest request = rb.build();
        long send = clock.getAsLong();
        ResponseTracker tracker =
                new ResponseTracker(position, dueNanos, send, stream, keepText, promptTokens, clock, done);
        if (ids != null) {
            tracker.trace(ids);
        }
        http.sendAsync(request, tracker.handler()).whenComplete((r, t) -> {
            if (t != null) {
                tracker.fail(classify(t), ResponseTracker.describe(t));
            }
        });
        return tracker;
    }

    /** One GenAI client span for a finished request; the record's times are this client's clock, moved to epoch. */
    private void recordSpan(GenAiSpans sp, ResponseTracker tr, RequestRecord rec, long epochOffset) {
        try {
            long end = rec.lastTokenNanos() >= 0 ? rec.lastTokenNanos() : clock.getAsLong();
            String error = null;
            if (!rec.ok()) {
                int code = tr.httpStatus();
                error = (rec.outcome() == Outcome.HTTP_4XX || rec.outcome() == Outcome.HTTP_5XX) && code > 0
                        ? Integer.toString(code)
                        : rec.outcome().label();
            }
            sp.record(
                    new GenAiSpans.Request(
                            chat ? "chat" : "text_completion",
                            null,
                            model,
                            tr.responseModel(),
                            uri,
                            rec.sendNanos() + epochOffset,
                            rec.firstTokenNanos() >= 0 ? rec.firstTokenNanos() + epochOffset : -1,
                            end + epochOffset,
                            rec.ok() ? rec.promptTokens() : -1,
                            rec.ok() ? rec.outputTokens() : -1,
                            tr.finishReasons(),
                            error),
                    tr.traceIds());
        } catch (RuntimeException e) {
            // a span must never fail the request's accounting
        }
    }

    static Outcome classify(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 8 && c != null; i++) {
            if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException) {
                return Outcome.CONNECT_ERROR;
            }
            if (c instanceof HttpTimeoutException) {
                return Outcome.TIMEOUT;
            }
            c = c.getCause();
        }
        return Outcome.IO_ERROR;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() {
        if (nio != null) {
            nio.close();
        }
        executor.shutdownNow();
    }
}
