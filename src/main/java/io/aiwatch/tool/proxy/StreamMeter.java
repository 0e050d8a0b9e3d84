package io.aiwatch.tool.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Measures one proxied response from the bytes as they pass, with the times they arrived from the
 * upstream, using {@code vllm bench serve}'s definitions: an SSE event whose {@code choices} is
 * non-empty is a token chunk (even with empty text); the first sets TTFT, each later one adds an
 * ITL gap; E2E ends at the last token chunk; output tokens are {@code usage.completion_tokens}
 * when the stream carries usage, else the number of chunks with non-empty text. Non-streamed JSON
 * bodies are buffered (up to {@value #MAX_BODY} bytes) for their {@code usage}. Not thread-safe:
 * one per request.
 */
final class StreamMeter {
    static final int MAX_BODY = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.fasterxml.jackson.core.JsonFactory STREAMING =
            new com.fasterxml.jackson.core.JsonFactory();
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    /** A byte buffer whose array can be read without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    final boolean sse;
    private final long startNanos;
    private final Bytes line = new Bytes(512);
    /** The current event's data lines, joined with LF. */
    private final Bytes data = new Bytes(512);

    private ByteArrayOutputStream body;
    private boolean lastWasCr;

    long firstChunkNanos = -1;
    long lastChunkNanos = -1;
    long endNanos = -1;
    int tokenChunks;
    int contentChunks;
    int usagePrompt = -1;
    int usageCompletion = -1;
    int badEvents;
    /** The response's {@code model} field, or null; for the request span. */
    String responseModel;
    /** Distinct non-null {@code finish_reason}s of the choices (at most 8); for the request span. */
    final java.util.List<String> finishReasons = new java.util.ArrayList<>(1);

    private double[] gaps = new double[64];
    private int gapCount;

    StreamMeter(boolean sse, long startNanos) {
        this.sse = sse;
        this.startNanos = startNanos;
        this.body = sse ? null : new ByteArrayOutputStream(1024);
    }

    /** Bytes {@code b[off..off+len)} arrived at {@code nanos}. */
    void feed(byte[] b, int off, int len, long nanos) {
        endNanos = nanos;
        if (!sse) {
            if (body != null && body.size() + len <= MAX_BODY) {
                body.write(b, off, len);
            } else {
                body = null; // too large to inspect; latency is still measured
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
            int run = i; // copy the whole run up to the next line break at once, not byte by byte
            while (run < end && b[run] != '\n' && b[run] != '\r') {
                run++;
            }
            line.write(b, i, run - i);
            lastWasCr = false;
            i = run;
        }
    }

    /** The response ended: parses a buffered JSON body for its usage. */
    void finish() {
        if (!sse && body != null && body.size() > 0) {
            try {
                JsonNode root = JSON.readTree(body.toByteArray());
                readUsage(root);
                readSpanFields(root);
                if (root.path("choices").isArray() && !root.path("choices").isEmpty()) {
                    tokenChunks = 1;
                }
            } catch (IOException e) {
                badEvents++;
            }
        } else if (sse && line.size() > 0) {
            endOfLine(endNanos);
        }
        if (sse && data.size() > 0) {
            dispatch(endNanos);
        }
    }

    private void endOfLine(long nanos) {
        if (line.size() == 0) {
            if (data.size() > 0) {
                dispatch(nanos);
            }
            return;
        }
        byte[] l = line.array();
        int n = line.size();
        if (startsWith(l, n, DATA)) {
            if (data.size() > 0) {
                data.write('\n');
            }
            int from = n > DATA.length && l[DATA.length] == ' ' ? DATA.length + 1 : DATA.length;
            data.write(l, from, n - from);
        }
        // ':' comments and other fields (event:, id:, retry:) are ignored
        line.reset();
    }

    private static boolean startsWith(byte[] b, int n, byte[] prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private void dispatch(long nanos) {
        byte[] d = data.array();
        int n = data.size();
        boolean done = n == DONE.length && startsWith(d, n, DONE);
        SseEvent e = done ? null : SseEvent.parse(STREAMING, d, 0, n);
        data.reset();
        if (done) {
            return;
        }
        if (e == null) {
            badEvents++;
            return;
        }
        if (e.usagePrompt != null) {
            usagePrompt = e.usagePrompt;
        }
        if (e.usageCompletion != null) {
            usageCompletion = e.usageCompletion;
        }
        if (e.choices <= 0) {
            return;
        }
        if (responseModel == null && e.model != null) {
            responseModel = e.model.length() > 256 ? e.model.substring(0, 256) : e.model;
        }
        for (String f : e.finishReasons) {
            addFinishReason(f);
        }
        if (firstChunkNanos < 0) {
            firstChunkNanos = nanos;
        } else {
            if (gapCount == gaps.length) {
                gaps = Arrays.copyOf(gaps, gapCount * 2);
            }
            gaps[gapCount++] = (nanos - lastChunkNanos) / 1e9;
        }
        lastChunkNanos = nanos;
        tokenChunks++;
        if (e.firstHasText) {
            contentChunks++;
        }
    }

    private void addFinishReason(String f) {
        if (finishReasons.size() < 8 && !finishReasons.contains(f)) {
            finishReasons.add(f.length() > 64 ? f.substring(0, 64) : f);
        }
    }

    private void readSpanFields(JsonNode root) {
        if (responseModel == null && root.path("model").isTextual()) {
            String m = root.path("model").asText();
            responseModel = m.length() > 256 ? m.substring(0, 256) : m;
        }
        for (JsonNode c : root.path("choices")) {
            JsonNode f = c.path("finish_reason");
            if (f.isTextual()) {
                addFinishReason(f.asText());
            }
        }
    }

    private void readUsage(JsonNode root) {
        JsonNode u = root.get("usage");
        if (u != null && u.isObject()) {
            if (u.path("prompt_tokens").canConvertToInt()) {
                usagePrompt = u.get("prompt_tokens").asInt();
            }
            if (u.path("completion_tokens").canConvertToInt()) {
                usageCompletion = u.get("completion_tokens").asInt();
            }
        }
    }

    boolean streamed() {
        return sse;
    }

    /** Output tokens: usage when present, else counted content chunks (streams), else -1. */
    int outputTokens() {
        if (usageCompletion >= 0) {
            return usageCompletion;
        }
        return sse ? contentChunks : -1;
    }

    /** Seconds from send to the first token chunk; NaN when none came. */
    double ttft() {
        return firstChunkNanos < 0 ? Double.NaN : (firstChunkNanos - startNanos) / 1e9;
    }

    /** Seconds from send to the last token chunk (streams) or to the last byte. */
    double e2e() {
        long end = sse && lastChunkNanos >= 0 ? lastChunkNanos : endNanos;
        return end < 0 ? Double.NaN : (end - startNanos) / 1e9;
    }

    /** The ITL gaps in seconds, in arrival order. */
    double[] gaps() {
        return Arrays.copyOf(gaps, gapCount);
    }
}
