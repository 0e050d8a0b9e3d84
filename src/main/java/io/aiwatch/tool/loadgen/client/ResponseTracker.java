package io.aiwatch.tool.loadgen.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Follows one request from send to end and turns it into a {@link RequestRecord}. As the body
 * subscriber it timestamps every network read and parses SSE incrementally on the raw bytes:
 * events split on a blank line ({@code \n\n} or {@code \r\n\r\n}), {@code :} comments and
 * {@code [DONE]} skipped, a {@code choices} entry (even with empty text) is a token chunk, a
 * usage-only chunk sets the token counts without extending latency (vllm bench serve's rules).
 * Jackson only parses the rare events that carry usage or an error, or text when it is needed.
 */
public final class ResponseTracker implements HttpResponse.BodySubscriber<Void> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;

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
    private TracedFields traced;

    private byte[] event = new byte[512];
    private int eventLen;
    private long firstToken = -1;
    private long lastToken = -1;
    private long[] itl = new long[16];
    private int itlCount;
    private int tokenChunks;
    private int promptTokens = -1;
    private int outputTokens = -1;
    private boolean sawDone;
    private String streamError;
    private final StringBuilder text;

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
        this.text = keepText ? new StringBuilder() : null;
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
        this.traced = new TracedFields(ids);
    }

    /** The span fields of a traced request, else null. */
    public TracedFields traced() {
        return traced;
    }

    /** The HTTP status, or -1 before the headers. */
    int httpStatus() {
        return status;
    }

    /** The generated text so far (only when created with keepText). */
    public String text() {
        return text == null ? "" : text.toString();
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
        boolean sse = streamed && status == 200;
        for (int i = off; i < off + len; i++) {
            byte c = a[i];
            if (!sse) {
                if (eventLen < MAX_BODY) {
                    append(c);
                }
                continue;
            }
            append(c);
            if (c == '\n'
                    && eventLen >= 2
                    && (event[eventLen - 2] == '\n'
                            || (eventLen >= 4 && event[eventLen - 2] == '\r' && event[eventLen - 3] == '\n'))) {
                processEvent(now);
                eventLen = 0;
            }
        }
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
        if (status != 200) {
            String msg = new String(event, 0, Math.min(eventLen, 200), StandardCharsets.UTF_8).replace('\n', ' ');
            fail(status >= 500 ? Outcome.HTTP_5XX : Outcome.HTTP_4XX, "HTTP " + status + ": " + msg);
            return;
        }
        if (streamed) {
            if (eventLen > 0) {
                processEvent(now);
            }
            if (streamError != null) {
                fail(Outcome.STREAM_ERROR, streamError);
            } else if (!sawDone) {
                fail(Outcome.BROKEN_STREAM, "stream ended without [DONE]");
            } else if (firstToken < 0) {
                fail(Outcome.NO_TOKENS, "no token chunk in the stream");
            } else {
                finish(Outcome.OK, null);
            }
            return;
        }
        lastToken = now;
        parseWholeBody();
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
        boolean usage = outputTokens >= 0;
        int out = usage ? outputTokens : (outcome == Outcome.OK ? tokenChunks : 0);
        int in = promptTokens >= 0 ? promptTokens : promptTokensEstimate;
        long[] gaps = java.util.Arrays.copyOf(itl, itlCount);
        return new RequestRecord(
                position, dueNanos, sendNanos, firstToken, lastToken, in, out, usage, gaps, streamed, outcome, error);
    }

    private void append(byte c) {
        if (eventLen == event.length) {
            event = java.util.Arrays.copyOf(event, event.length * 2);
        }
        event[eventLen++] = c;
    }

    private void processEvent(long now) {
        int i = 0;
        while (i < eventLen) {
            int end = i;
            while (end < eventLen && event[end] != '\n') {
                end++;
            }
            int lineEnd = end > i && event[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd - i >= 5 && startsWith(i, "data:")) {
                int p = i + 5;
                while (p < lineEnd && event[p] == ' ') {
                    p++;
                }
                processData(p, lineEnd, now);
            }
            i = end + 1;
        }
    }

    private void processData(int from, int to, long now) {
        if (to - from == 6 && startsWith(from, "[DONE]")) {
            sawDone = true;
            return;
        }
        boolean tokenChunk = hasNonEmptyArray(from, to, "\"choices\"");
        boolean parse = keepText
                || indexOf(from, to, "\"usage\"") >= 0 && !isNullAfter(from, to, "\"usage\"")
                || indexOf(from, to, "\"error\"") >= 0
                || traced != null
                        && indexOf(from, to, "\"finish_reason\"") >= 0
                        && !isNullAfter(from, to, "\"finish_reason\"");
        if (tokenChunk) {
            if (firstToken < 0) {
                firstToken = now;
            } else {
                if (itlCount == itl.length) {
                    itl = java.util.Arrays.copyOf(itl, itl.length * 2);
                }
                itl[itlCount++] = now - lastToken;
            }
            lastToken = now;
            tokenChunks++;
        }
        if (parse) {
            try {
                readJson(JSON.readTree(event, from, to - from));
            } catch (java.io.IOException e) {
                streamError = "unparseable chunk: " + describe(e);
            }
        }
    }

    private void parseWholeBody() {
        try {
            JsonNode root = JSON.readTree(event, 0, eventLen);
            readJson(root);
            if (root == null
                    || !root.path("choices").isArray()
                    || root.path("choices").isEmpty()) {
                finish(Outcome.NO_TOKENS, "response without choices");
            } else {
                finish(Outcome.OK, null);
            }
        } catch (java.io.IOException e) {
            finish(Outcome.NO_TOKENS, "unparseable response: " + describe(e));
        }
    }

    private void readJson(JsonNode node) {
        if (node == null) {
            return;
        }
        JsonNode usage = node.get("usage");
        if (usage != null && usage.isObject()) {
            if (usage.has("completion_tokens")) {
                outputTokens = usage.get("completion_tokens").asInt();
            }
            if (usage.has("prompt_tokens")) {
                promptTokens = usage.get("prompt_tokens").asInt();
            }
        }
        if (traced != null) {
            traced.read(node);
        }
        JsonNode err = node.get("error");
        if (err != null && !err.isNull()) {
            String m = err.isObject() ? err.path("message").asText(err.toString()) : err.asText();
            streamError = m.length() > 200 ? m.substring(0, 200) : m;
        } else if ("error".equals(node.path("object").asText())) {
            String m = node.path("message").asText("error event");
            streamError = m.length() > 200 ? m.substring(0, 200) : m;
        }
        if (text != null) {
            for (JsonNode ch : node.path("choices")) {
                JsonNode t = ch.has("text") ? ch.get("text") : ch.path("delta").get("content");
                if (t == null) {
                    t = ch.path("message").get("content");
                }
                if (t != null && t.isTextual()) {
                    text.append(t.asText());
                }
            }
        }
    }

    private boolean startsWith(int at, String s) {
        if (at + s.length() > eventLen) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (event[at + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(int from, int to, String s) {
        outer:
        for (int i = from; i + s.length() <= to; i++) {
            for (int k = 0; k < s.length(); k++) {
                if (event[i + k] != s.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private int skipToValue(int from, int to, String key) {
        int at = indexOf(from, to, key);
        if (at < 0) {
            return -1;
        }
        int p = at + key.length();
        while (p < to && (event[p] == ' ' || event[p] == ':' || event[p] == '\t')) {
            p++;
        }
        return p;
    }

    private boolean hasNonEmptyArray(int from, int to, String key) {
        int p = skipToValue(from, to, key);
        if (p < 0 || p >= to || event[p] != '[') {
            return false;
        }
        p++;
        while (p < to && (event[p] == ' ' || event[p] == '\n' || event[p] == '\r' || event[p] == '\t')) {
            p++;
        }
        return p < to && event[p] != ']';
    }

    private boolean isNullAfter(int from, int to, String key) {
        int p = skipToValue(from, to, key);
        return p >= 0 && p < to && event[p] == 'n';
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
