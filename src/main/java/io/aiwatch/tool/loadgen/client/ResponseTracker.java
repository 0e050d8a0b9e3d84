package io.aiwatch.tool.loadgen.client;

import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.openai.StreamMeter;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Follows one request from send to end and turns it into a {@link RequestRecord}. As the body
 * subscriber (or the NIO client's callback) it timestamps every network read and hands the bytes
 * to the shared {@link StreamMeter}, which applies vllm bench serve's rules (a {@code choices}
 * entry, even with empty text, is a token chunk; a usage-only chunk sets the token counts without
 * extending latency). What a request's outcome is, is decided here: an error event fails it, a
 * stream must end with {@code [DONE]} and carry a token chunk, a non-streamed answer needs
 * {@code choices}.
 */
public final class ResponseTracker implements HttpResponse.BodySubscriber<Void> {
    private static final int MAX_BODY = 1 << 20;
    /** How much of a server's error body a record keeps. */
    private static final int ERROR_BODY_CHARS = 2000;

    private final int position;
    private final long dueNanos;
    private final long sendNanos;
    private final boolean streamed;
    private final boolean keepText;
    private final int promptTokensEstimate;
    private final LongSupplier clock;
    private final BiConsumer<ResponseTracker, RequestRecord> done;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<Void> body = new CompletableFuture<>();

    private volatile Flow.Subscription subscription;
    private volatile Runnable cancel;
    private int status = -1;
    /** Non-null only when request spans are on (set before the send). */
    private GenAiSpans.TraceIds traceIds;
    /** Made at the first body byte, once the status says how to read the body (SSE only for a streamed 200). */
    private volatile StreamMeter meter;
    /** End of a non-streamed response; -1 before. */
    private long lastByte = -1;

    ResponseTracker(
            int position,
            long dueNanos,
            long sendNanos,
            boolean streamed,
            boolean keepText,
            int promptTokensEstimate,
            LongSupplier clock,
            BiConsumer<ResponseTracker, RequestRecord> done) {
        this.position = position;
        this.dueNanos = dueNanos;
        this.sendNanos = sendNanos;
        this.streamed = streamed;
        this.keepText = keepText;
        this.promptTokensEstimate = promptTokensEstimate;
        this.clock = clock;
        this.done = done;
    }

    /** The body handler: remembers the status and subscribes this tracker to the body. */
    HttpResponse.BodyHandler<Void> handler() {
        return info -> {
            status = info.statusCode();
            return this;
        };
    }

    /** Marks this request as traced with {@code ids}; call before the send. */
    void trace(GenAiSpans.TraceIds ids) {
        this.traceIds = ids;
    }

    /** The ids of a traced request, else null. */
    public GenAiSpans.TraceIds traceIds() {
        return traceIds;
    }

    /** The response's {@code model}, or null. Any thread. */
    String responseModel() {
        StreamMeter m = meter;
        return m == null ? null : m.responseModel();
    }

    /** The distinct finish reasons of the choices so far. Any thread. */
    List<String> finishReasons() {
        StreamMeter m = meter;
        return m == null ? List.of() : m.finishReasons();
    }

    /** The HTTP status, or -1 before the headers. */
    int httpStatus() {
        return status;
    }

    /** The generated text so far (only when created with keepText). */
    public String text() {
        StreamMeter m = meter;
        return m == null ? "" : m.text();
    }

    @Override
    public CompletionStage<Void> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        long now = clock.getAsLong();
        for (ByteBuffer b : buffers) {
            if (b.hasArray()) {
                bytes(b.array(), b.arrayOffset() + b.position(), b.remaining(), now);
            } else {
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                bytes(copy, 0, copy.length, now);
            }
        }
    }

    /** The response status, before any body byte (transport callback). */
    void status(int code) {
        status = code;
    }

    /** Body bytes as they arrive, all read at {@code now} (transport callback). */
    void bytes(byte[] a, int off, int len, long now) {
        meter().feed(a, off, len, now);
    }

    private StreamMeter meter() {
        StreamMeter m = meter;
        if (m == null) {
            m = new StreamMeter(streamed && status == 200, MAX_BODY, keepText);
            meter = m;
        }
        return m;
    }

    /** Called by the transport to abort the exchange when the request is failed from outside. */
    void onCancel(Runnable cancel) {
        this.cancel = cancel;
    }

    @Override
    public void onError(Throwable t) {
        body.completeExceptionally(t);
        error(t);
    }

    /** The connection failed after the request was sent (transport callback). */
    void error(Throwable t) {
        fail(status == 200 ? Outcome.BROKEN_STREAM : Outcome.IO_ERROR, "body: " + describe(t));
    }

    @Override
    public void onComplete() {
        body.complete(null);
        end(clock.getAsLong());
    }

    /** The response is complete (transport callback). */
    void end(long now) {
        StreamMeter m = meter();
        if (status != 200) {
            fail(status >= 500 ? Outcome.HTTP_5XX : Outcome.HTTP_4XX, "HTTP " + status + ": " + m.bodyPrefix(200));
            return;
        }
        m.finish(now);
        if (streamed) {
            if (m.streamError() != null) {
                fail(Outcome.STREAM_ERROR, m.streamError());
            } else if (!m.sawDone()) {
                fail(Outcome.BROKEN_STREAM, "stream ended without [DONE]");
            } else if (m.firstTokenNanos() < 0) {
                fail(Outcome.NO_TOKENS, "no token chunk in the stream");
            } else {
                finish(Outcome.OK, null);
            }
            return;
        }
        lastByte = now;
        if (m.bodyProblem() != null) {
            finish(Outcome.NO_TOKENS, "unparseable response: " + m.bodyProblem());
        } else if (m.bodyChoices() <= 0) {
            finish(Outcome.NO_TOKENS, "response without choices");
        } else {
            finish(Outcome.OK, null);
        }
    }

    /** Ends the request from outside (timeout, connect failure, Ctrl-C); no-op if already ended. */
    public void fail(Outcome outcome, String error) {
        if (finished.compareAndSet(false, true)) {
            Flow.Subscription s = subscription;
            if (s != null && outcome != Outcome.OK) {
                s.cancel();
            }
            Runnable c = cancel;
            if (c != null && outcome != Outcome.OK) {
                c.run();
            }
            done.accept(this, record(outcome, error));
        }
    }

    public long sendNanosAbsolute() {
        return sendNanos;
    }

    public boolean isFinished() {
        return finished.get();
    }

    private void finish(Outcome outcome, String error) {
        if (finished.compareAndSet(false, true)) {
            done.accept(this, record(outcome, error));
        }
    }

    private RequestRecord record(Outcome outcome, String error) {
        StreamMeter m = meter;
        boolean sse = m != null && m.sse();
        int usageOut = m == null ? -1 : m.usageCompletion();
        boolean usage = usageOut >= 0;
        int out = usage ? usageOut : (outcome == Outcome.OK && sse ? m.tokenChunks() : 0);
        int in = m != null && m.usagePrompt() >= 0 ? m.usagePrompt() : promptTokensEstimate;
        long first = sse ? m.firstTokenNanos() : -1;
        long last = sse ? m.lastTokenNanos() : lastByte;
        long[] gaps = sse ? m.gapNanos() : new long[0];
        String errorBody = m != null && status > 0 && status != 200 ? m.bodyPrefix(ERROR_BODY_CHARS) : null;
        String text = keepText && m != null ? m.text() : null;
        return new RequestRecord(
                position, dueNanos, sendNanos, first, last, in, out, usage, gaps, streamed, outcome, error, dueNanos,
                status, errorBody, text);
    }

    static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null
                && c.getCause() != c
                && (c instanceof java.util.concurrent.CompletionException || c.getMessage() == null)) {
            c = c.getCause();
        }
        String m = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
