package io.aiwatch.tool.openai;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Measures one OpenAI completion or chat-completion response from its body bytes as they arrive,
 * with the time each piece arrived, by {@code vllm bench serve}'s rules: an SSE event whose
 * {@code choices} is non-empty is a token chunk (even with empty text); the first one's arrival is
 * the first token, each later one adds an inter-token gap; a usage-only chunk sets the token counts
 * without being a token. Used by the measuring proxy and the load generator, which each turn these
 * into their own latencies (the meter only keeps arrival times, in the caller's clock).
 *
 * <p>SSE is split as the spec says: lines end at CR, LF or CRLF; {@code data:} lines (one leading
 * space dropped) are joined with LF; a blank line dispatches the event; comments and other fields
 * are ignored; {@code [DONE]} is noted. A non-streamed body is buffered (up to {@code maxBody}
 * bytes) and read as one JSON document at {@link #finish}.
 *
 * <p>Not thread-safe: one per response, fed by one thread at a time. Only {@link #responseModel}
 * and {@link #finishReasons} may be read from another thread while it is fed (a request span made
 * when a request is failed from outside).
 */
public final class StreamMeter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_MODEL_CHARS = 256;
    private static final int MAX_FINISH_REASONS = 8;
    private static final int MAX_FINISH_REASON_CHARS = 64;
    /** Longest error text kept, characters. */
    private static final int MAX_ERROR_CHARS = 200;

    private final boolean sse;
    private final int maxBody;
    private final boolean keepText;
    private final ChunkReader reader;

    /** The current line (SSE) or the buffered body (JSON). */
    private byte[] line = new byte[512];

    private int lineLen;
    /** The current event's data lines, joined with LF. */
    private byte[] data;

    private int dataLen;
    private boolean lastWasCr;
    private boolean bodyOverflow;

    private long firstTokenNanos = -1;
    private long lastTokenNanos = -1;
    private long lastByteNanos = -1;
    private long[] gaps = new long[64];
    private int gapCount;
    private int tokenChunks;
    private int contentChunks;
    private int usagePrompt = -1;
    private int usageCompletion = -1;
    private int badEvents;
    private boolean sawDone;
    private String streamError;
    private volatile String responseModel;
    private final List<String> finishReasons = new CopyOnWriteArrayList<>();
    private final StringBuilder text;
    private int bodyChoices = -1;
    private String bodyProblem;

    /**
     * @param sse      whether the body is an SSE stream (else one JSON document)
     * @param maxBody  most bytes of a JSON body kept; a larger body is measured but not read
     * @param keepText whether the generated text is collected (see {@link #text})
     */
    public StreamMeter(boolean sse, int maxBody, boolean keepText) {
        this.sse = sse;
        this.maxBody = maxBody;
        this.keepText = keepText;
        this.reader = new ChunkReader(JSON, keepText);
        this.data = sse ? new byte[512] : null;
        this.text = keepText ? new StringBuilder() : null;
    }

    /** Body bytes {@code b[off..off+len)} arrived at {@code nanos}. */
    public void feed(byte[] b, int off, int len, long nanos) {
        lastByteNanos = nanos;
        if (!sse) {
            if (bodyOverflow || lineLen + len > maxBody) {
                int room = bodyOverflow ? 0 : maxBody - lineLen;
                line = append(line, lineLen, b, off, room);
                lineLen += room;
                bodyOverflow = true;
            } else {
                line = append(line, lineLen, b, off, len);
                lineLen += len;
            }
            return;
        }
        int end = off + len;
        int i = off;
        while (i < end) {
            byte c = b[i];
            if (c == '\n' || c == '\r') {
                if (!(c == '\n' && lastWasCr)) {
                    endOfLine(nanos);
                }
                lastWasCr = c == '\r';
                i++;
                continue;
            }
            int run = i; // the whole run up to the next line break at once, not byte by byte
            while (run < end && b[run] != '\n' && b[run] != '\r') {
                run++;
            }
            line = append(line, lineLen, b, i, run - i);
            lineLen += run - i;
            lastWasCr = false;
            i = run;
        }
    }

    /**
     * The body ended at {@code nanos}: an event left without its blank line is dispatched then, and a
     * JSON body is read.
     */
    public void finish(long nanos) {
        if (!sse) {
            readBody();
            return;
        }
        if (lineLen > 0) {
            endOfLine(nanos);
        }
        if (dataLen > 0) {
            dispatch(nanos);
        }
    }

    private void readBody() {
        if (bodyOverflow) {
            bodyProblem = "body over " + maxBody + " bytes";
            return;
        }
        ChunkReader.Kind k = reader.read(line, 0, lineLen, true);
        if (k == ChunkReader.Kind.BAD) {
            badEvents++;
            bodyProblem = cut(reader.badReason, MAX_ERROR_CHARS);
            return;
        }
        if (k == ChunkReader.Kind.OBJECT) {
            take(reader);
            bodyChoices = reader.choices;
        }
    }

    private void endOfLine(long nanos) {
        if (lineLen == 0) {
            if (dataLen > 0) {
                dispatch(nanos);
            }
            return;
        }
        if (lineLen >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
            if (dataLen > 0) {
                data = append(data, dataLen, new byte[] {'\n'}, 0, 1);
                dataLen++;
            }
            int from = lineLen > 5 && line[5] == ' ' ? 6 : 5;
            data = append(data, dataLen, line, from, lineLen - from);
            dataLen += lineLen - from;
        }
        // ':' comments and other fields (event:, id:, retry:) are ignored
        lineLen = 0;
    }

    private void dispatch(long nanos) {
        int n = dataLen;
        dataLen = 0;
        if (isDone(data, n)) {
            sawDone = true;
            return;
        }
        ChunkReader.Kind k = reader.read(data, 0, n, responseModel == null);
        if (k == ChunkReader.Kind.BAD) {
            badEvents++;
            streamError = "unparseable chunk: " + cut(reader.badReason, MAX_ERROR_CHARS);
            return;
        }
        if (k == ChunkReader.Kind.IGNORED) {
            return;
        }
        take(reader);
        if (reader.choices <= 0) {
            return;
        }
        if (firstTokenNanos < 0) {
            firstTokenNanos = nanos;
        } else {
            if (gapCount == gaps.length) {
                gaps = Arrays.copyOf(gaps, gapCount * 2);
            }
            gaps[gapCount++] = nanos - lastTokenNanos;
        }
        lastTokenNanos = nanos;
        tokenChunks++;
        if (reader.firstHasText) {
            contentChunks++;
        }
    }

    /** The fields of one read document that accumulate over the stream. */
    private void take(ChunkReader r) {
        if (r.usagePrompt >= 0) {
            usagePrompt = r.usagePrompt;
        }
        if (r.usageCompletion >= 0) {
            usageCompletion = r.usageCompletion;
        }
        if (r.error != null) {
            streamError = cut(r.error, MAX_ERROR_CHARS);
        }
        if (responseModel == null && r.model != null) {
            responseModel = cut(r.model, MAX_MODEL_CHARS);
        }
        for (String f : r.finishReasons) {
            if (finishReasons.size() < MAX_FINISH_REASONS && !finishReasons.contains(f)) {
                finishReasons.add(cut(f, MAX_FINISH_REASON_CHARS));
            }
        }
        if (keepText) {
            text.append(r.text);
        }
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    /** {@code [DONE]}, leading spaces and trailing whitespace aside. */
    private static boolean isDone(byte[] d, int n) {
        int from = 0;
        while (from < n && d[from] == ' ') {
            from++;
        }
        while (n > from && (d[n - 1] == ' ' || d[n - 1] == '\t')) {
            n--;
        }
        if (n - from != DONE.length) {
            return false;
        }
        for (int i = 0; i < DONE.length; i++) {
            if (d[from + i] != DONE[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] append(byte[] to, int used, byte[] b, int off, int len) {
        if (used + len > to.length) {
            to = Arrays.copyOf(to, Math.max(to.length * 2, used + len));
        }
        System.arraycopy(b, off, to, used, len);
        return to;
    }

    /** Whether the body is read as SSE. */
    public boolean sse() {
        return sse;
    }

    /** Arrival of the first token chunk, or -1. */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** Arrival of the last token chunk, or -1. */
    public long lastTokenNanos() {
        return lastTokenNanos;
    }

    /** Arrival of the last body bytes, or -1 when none came. */
    public long lastByteNanos() {
        return lastByteNanos;
    }

    /** Gaps between consecutive token chunks, nanoseconds, in arrival order. */
    public long[] gapNanos() {
        return Arrays.copyOf(gaps, gapCount);
    }

    /** Events with a non-empty {@code choices}. */
    public int tokenChunks() {
        return tokenChunks;
    }

    /** Token chunks whose first choice carries non-empty text. */
    public int contentChunks() {
        return contentChunks;
    }

    /** {@code usage.prompt_tokens}, or -1 when the server sent none. */
    public int usagePrompt() {
        return usagePrompt;
    }

    /** {@code usage.completion_tokens}, or -1 when the server sent none. */
    public int usageCompletion() {
        return usageCompletion;
    }

    /** Whether the stream carried {@code data: [DONE]}. */
    public boolean sawDone() {
        return sawDone;
    }

    /** Events (or the body) that were not JSON. */
    public int badEvents() {
        return badEvents;
    }

    /** The last problem the stream reported: the server's error message, or an unparseable chunk; null if none. */
    public String streamError() {
        return streamError;
    }

    /** The response's {@code model} (at most 256 characters), or null. Any thread. */
    public String responseModel() {
        return responseModel;
    }

    /** Distinct {@code finish_reason}s of the choices (at most 8, each cut at 64 characters). Any thread. */
    public List<String> finishReasons() {
        return List.copyOf(finishReasons);
    }

    /** The generated text of all choices; "" unless created with keepText. */
    public String text() {
        return text == null ? "" : text.toString();
    }

    /** Elements of a JSON body's {@code choices}, -1 when it has none (or is not read yet, or unreadable). */
    public int bodyChoices() {
        return bodyChoices;
    }

    /** Why a JSON body could not be read (too large, not JSON), or null. */
    public String bodyProblem() {
        return bodyProblem;
    }

    /** The first {@code maxBytes} of a JSON body as text, line breaks as spaces (for error messages). */
    public String bodyPrefix(int maxBytes) {
        if (sse) {
            return "";
        }
        return new String(line, 0, Math.min(lineLen, maxBytes), StandardCharsets.UTF_8).replace('\n', ' ');
    }
}
