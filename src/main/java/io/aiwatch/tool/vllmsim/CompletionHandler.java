package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code POST /v1/completions} and {@code /v1/chat/completions}: validates the request,
 * hands it to the engine and writes what the engine produces, as one JSON body or as SSE chunks
 * ({@code data: {...}\n\n} per token, an optional usage chunk, then {@code data: [DONE]}).
 * The HTTP thread blocks on a per-request queue that the engine thread fills.
 */
final class CompletionHandler {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * Request header asking for {@link #TIMING_RESPONSE}: benchmarks on the same host (one
     * CLOCK_MONOTONIC) use it to take the server's own residence out of a client-side latency,
     * e.g. to measure what a proxy in between adds without the engine's step-phase noise.
     */
    static final String TIMING_REQUEST = "X-Sim-Timing";
    /** {@code received=NANOS,first-write=NANOS}: System.nanoTime at handler entry and just before the first body write. */
    static final String TIMING_RESPONSE = "X-Sim-Monotonic-Ns";

    private final SimulatorConfig config;
    private final EngineLoop loop;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong ids = new AtomicLong();
    private final BooleanSupplier closed;

    CompletionHandler(SimulatorConfig config, EngineLoop loop, BooleanSupplier closed) {
        this.config = config;
        this.loop = loop;
        this.closed = closed;
    }

    /** Engine events for one request: Integer (tokens so far) or the final Completion. */
    private static final class QueueSink implements TokenSink {
        final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void onToken(int generated) {
            events.add(generated);
        }

        @Override
        public void onFinished(Completion completion) {
            events.add(completion);
        }
    }

    void handle(Context ctx, boolean chat) throws IOException {
        long receivedNanos = ctx.header(TIMING_REQUEST) != null ? System.nanoTime() : -1;
        OpenAiRequest req;
        try {
            req = OpenAiRequest.parse(json, ctx.bodyAsBytes(), chat, config.seed(), config.blockSize());
        } catch (OpenAiRequest.BadRequest e) {
            error(ctx, 400, "BadRequestError", e.getMessage());
            return;
        }
        if (!req.model().isEmpty() && !req.model().equals(config.model())) {
            error(ctx, 404, "NotFoundError", "The model `" + req.model() + "` does not exist.");
            return;
        }
        int room = config.maxModelLen() - req.promptTokens();
        if (room < 1 || req.maxTokens() > room) {
            int asked = req.maxTokens() > 0 ? req.maxTokens() : 1;
            error(
                    ctx,
                    400,
                    "BadRequestError",
                    "This model's maximum context length is " + config.maxModelLen()
                            + " tokens. However, you requested " + (req.promptTokens() + asked) + " tokens ("
                            + req.promptTokens()
                            + " in the messages, " + asked
                            + " in the completion). Please reduce the length of the messages or completion.");
            return;
        }
        int target;
        String reason;
        if (req.maxTokens() > 0) {
            target = req.maxTokens();
            reason = "length";
        } else {
            int span = config.defaultMaxTokens() - config.defaultMinTokens() + 1;
            int drawn =
                    config.defaultMinTokens() + (int) Long.remainderUnsigned(SimTokenizer.mix(req.textSeed()), span);
            target = Math.min(drawn, room);
            reason = drawn >= room ? "length" : "stop";
        }
        if (req.promptTokens() + target > config.kvCapacityTokens()) {
            error(
                    ctx,
                    400,
                    "BadRequestError",
                    "prompt plus completion (" + (req.promptTokens() + target)
                            + " tokens) exceeds the simulated KV cache of " + config.kvCapacityTokens() + " tokens");
            return;
        }
        long n = ids.incrementAndGet();
        String id = (chat ? "chatcmpl-" : "cmpl-") + String.format("%016x", SimTokenizer.mix(config.seed() ^ n));
        long created = System.currentTimeMillis() / 1000;
        QueueSink sink = new QueueSink();
        SimRequest r = new SimRequest(
                n,
                req.promptTokens(),
                target,
                reason,
                req.maxTokens(),
                sink,
                req.textSeed(),
                config.enablePrefixCaching() ? req.blockHashes() : null);
        loop.submit(r);
        if (req.stream()) {
            stream(ctx, req, r, sink, id, created, receivedNanos);
        } else {
            TokenSink.Completion done = awaitCompletion(sink, r.id);
            if (done == null) {
                error(ctx, 503, "ServiceUnavailableError", "the simulator is shutting down");
                return;
            }
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < done.completionTokens(); i++) {
                text.append(SimTokenizer.token(req.textSeed(), i));
            }
            StringBuilder sb = new StringBuilder(256 + text.length());
            OpenAiJson.response(
                    sb,
                    chat,
                    id,
                    created,
                    config.model(),
                    text.toString(),
                    done.finishReason(),
                    done.promptTokens(),
                    done.completionTokens());
            timing(ctx.res(), receivedNanos);
            ctx.contentType("application/json").result(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void timing(HttpServletResponse res, long receivedNanos) {
        if (receivedNanos >= 0) {
            res.setHeader(TIMING_RESPONSE, "received=" + receivedNanos + ",first-write=" + System.nanoTime());
        }
    }

    private TokenSink.Completion awaitCompletion(QueueSink sink, long id) {
        try {
            while (!closed.getAsBoolean()) {
                Object ev = sink.events.poll(200, TimeUnit.MILLISECONDS);
                if (ev instanceof TokenSink.Completion c) {
                    return c;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.abort(id);
        return null;
    }

    private void stream(
            Context ctx, OpenAiRequest req, SimRequest r, QueueSink sink, String id, long created, long receivedNanos) {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        List<Object> batch = new ArrayList<>();
        int sent = 0;
        boolean roleSent = false;
        try {
            ServletOutputStream out = res.getOutputStream();
            while (true) {
                Object first = sink.events.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed.getAsBoolean()) {
                        loop.abort(r.id);
                        return;
                    }
                    continue;
                }
                batch.clear();
                batch.add(first);
                sink.events.drainTo(batch);
                StringBuilder sb = new StringBuilder(256 * batch.size());
                TokenSink.Completion done = null;
                for (Object ev : batch) {
                    if (ev instanceof Integer generated) {
                        if (req.chat() && !roleSent) {
                            sse(sb);
                            OpenAiJson.roleChunk(sb, id, created, config.model());
                            sb.append("\n\n");
                            roleSent = true;
                        }
                        if (generated > sent) {
                            // one chunk per engine step, as vLLM streams: several tokens when
                            // speculative decoding accepted drafts
                            StringBuilder text = new StringBuilder();
                            for (; sent < generated; sent++) {
                                text.append(SimTokenizer.token(req.textSeed(), sent));
                            }
                            String finish = sent == r.targetTokens ? r.finishReason : null;
                            sse(sb);
                            OpenAiJson.chunk(sb, req.chat(), id, created, config.model(), text.toString(), finish);
                            sb.append("\n\n");
                        }
                    } else if (ev instanceof TokenSink.Completion c) {
                        done = c;
                    }
                }
                if (done != null && req.includeUsage()) {
                    sse(sb);
                    OpenAiJson.usageChunk(
                            sb, req.chat(), id, created, config.model(), done.promptTokens(), done.completionTokens());
                    sb.append("\n\n");
                }
                byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                if (!res.isCommitted()) {
                    timing(res, receivedNanos);
                }
                out.write(bytes);
                if (done != null) {
                    out.write(DONE);
                    out.flush();
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            loop.abort(r.id); // client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.abort(r.id);
        }
    }

    private static void sse(StringBuilder sb) {
        sb.append("data: ");
    }

    static void error(Context ctx, int code, String type, String message) {
        ctx.status(code).contentType("application/json").result(OpenAiJson.error(message, type, code));
    }
}
