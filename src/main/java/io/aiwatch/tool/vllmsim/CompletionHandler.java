package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code POST /v1/completions} and {@code /v1/chat/completions}: validates the request in
 * vLLM's order (content type, body, request model, model name, context length, sampling
 * parameters, logprobs limit), plans every choice ({@link ChoicePlan}), hands one engine request
 * per choice to the engine and writes what the engine produces, as one JSON body or as SSE chunks
 * (one per engine step and choice, a usage chunk when asked, then {@code data: [DONE]}).
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
    /** vLLM's default {@code --max-logprobs}. */
    static final int MAX_LOGPROBS = 20;
    /** vLLM's {@code VLLM_MAX_N_SEQUENCES} default. */
    static final int MAX_N = 16384;

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

    /** Engine events of all choices of one HTTP request: {@link Tok} or {@link Done}. */
    private record Tok(int choice, int generated) {}

    private record Done(int choice, TokenSink.Completion completion) {}

    private static final class ChoiceSink implements TokenSink {
        final LinkedBlockingQueue<Object> events;
        final int choice;

        ChoiceSink(LinkedBlockingQueue<Object> events, int choice) {
            this.events = events;
            this.choice = choice;
        }

        @Override
        public void onToken(int generated) {
            events.add(new Tok(choice, generated));
        }

        @Override
        public void onFinished(Completion completion) {
            events.add(new Done(choice, completion));
        }
    }

    /** One choice: its plan, output index and seed, and how much of it a stream has sent. */
    private static final class Job {
        final int index;
        final long seed;
        final ChoicePlan plan;
        final int maxTokens;
        int sentTokens;
        int sentChars;
        boolean finished;
        SimRequest request;

        Job(int index, long seed, ChoicePlan plan, int maxTokens) {
            this.index = index;
            this.seed = seed;
            this.plan = plan;
            this.maxTokens = maxTokens;
        }
    }

    void handle(Context ctx, boolean chat) throws IOException {
        long receivedNanos = ctx.header(TIMING_REQUEST) != null ? System.nanoTime() : -1;
        OpenAiRequest req;
        List<Job> jobs;
        int promptTotal;
        try {
            checkContentType(ctx.header("Content-Type"));
            req = OpenAiRequest.parse(json, ctx.bodyAsBytes(), chat, config.seed(), config.blockSize());
            if (!req.model().isEmpty() && !req.model().equals(config.model())) {
                throw ApiError.notFoundModel(req.model());
            }
            if (req.echo()) {
                throw ApiError.invalid("The simulator does not support `echo`.", "echo", null);
            }
            jobs = plan(req);
            promptTotal = req.prompts().stream()
                    .mapToInt(OpenAiRequest.Prompt::tokens)
                    .sum();
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        ApiError engineError = logprobsLimit(req.sampling());
        if (engineError != null && !req.stream()) {
            error(ctx, engineError);
            return;
        }
        long n = ids.incrementAndGet();
        String id = (chat ? "chatcmpl-" : "cmpl-") + String.format("%016x", SimTokenizer.mix(config.seed() ^ n));
        long created = System.currentTimeMillis() / 1000;
        if (engineError != null) {
            streamError(ctx, engineError, receivedNanos);
            return;
        }
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        int perPrompt = req.sampling().n();
        for (int j = 0; j < jobs.size(); j++) {
            Job job = jobs.get(j);
            long rid = j == 0 ? n : ids.incrementAndGet();
            OpenAiRequest.Prompt prompt = req.prompts().get(j / perPrompt);
            job.request = new SimRequest(
                    rid,
                    prompt.tokens(),
                    job.plan.tokens(),
                    job.plan.finishReason(),
                    job.maxTokens,
                    new ChoiceSink(events, j),
                    job.seed,
                    config.enablePrefixCaching() ? prompt.blockHashes() : null);
            loop.submit(job.request);
        }
        if (req.stream()) {
            stream(ctx, req, jobs, events, id, created, promptTotal, receivedNanos);
        } else {
            respond(ctx, req, jobs, events, id, created, promptTotal, receivedNanos);
        }
    }

    /** vLLM's {@code validate_json_request}: anything but application/json is a 400. */
    private static void checkContentType(String contentType) throws ApiError {
        String media =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw ApiError.validation("[\"Unsupported Media Type: Only 'application/json' is allowed\"]", null);
        }
    }

    /** Context-length checks (vLLM's renderer), effective max_tokens, sampling checks, then the plans. */
    private List<Job> plan(OpenAiRequest req) throws ApiError {
        OpenAiRequest.Sampling s = req.sampling();
        int maxLen = config.maxModelLen();
        int maxOutput = s.maxTokens() == null ? 0 : s.maxTokens();
        for (OpenAiRequest.Prompt p : req.prompts()) {
            if (maxOutput > maxLen) {
                throw ApiError.invalid(
                        s.maxTokensName() + "=" + maxOutput + " cannot be greater than max_model_len=max_total_tokens="
                                + maxLen + ". Please request fewer output tokens.",
                        s.maxTokensName(),
                        maxOutput);
            }
            if (p.tokens() > maxLen - maxOutput) {
                throw ApiError.invalid(
                        "This model's maximum context length is " + maxLen + " tokens. However, you requested "
                                + maxOutput + " output tokens and your prompt contains " + p.tokens()
                                + " input tokens, for a total of " + (p.tokens() + maxOutput)
                                + " tokens. Please reduce the length of the input prompt or the number of"
                                + " requested output tokens.",
                        "input_tokens",
                        p.tokens());
            }
        }
        List<Job> jobs = new ArrayList<>();
        for (OpenAiRequest.Prompt p : req.prompts()) {
            int effective = s.maxTokens() == null ? maxLen - p.tokens() : Math.min(s.maxTokens(), maxLen - p.tokens());
            verify(s, effective);
            for (int c = 0; c < s.n(); c++) {
                long seed = c == 0 ? p.textSeed() : SimTokenizer.mix(p.textSeed() + 0x9E3779B97F4A7C15L * c);
                ChoicePlan plan =
                        ChoicePlan.of(seed, effective, s, config.defaultMinTokens(), config.defaultMaxTokens());
                if (p.tokens() + plan.tokens() > config.kvCapacityTokens()) {
                    throw ApiError.valueError("prompt plus completion (" + (p.tokens() + plan.tokens())
                            + " tokens) exceeds the simulated KV cache of " + config.kvCapacityTokens() + " tokens");
                }
                jobs.add(new Job(jobs.size(), seed, plan, effective));
            }
        }
        return jobs;
    }

    /** vLLM's {@code SamplingParams._verify_args} and greedy check, in its order and words. */
    private static void verify(OpenAiRequest.Sampling s, int maxTokens) throws ApiError {
        if (s.n() < 1) {
            throw ApiError.valueError("n must be at least 1, got " + s.n() + ".");
        }
        if (s.n() > MAX_N) {
            throw ApiError.valueError("n must be at most " + MAX_N + ", got " + s.n()
                    + ". To increase this limit, set the VLLM_MAX_N_SEQUENCES environment variable.");
        }
        double presence = s.presencePenalty() == null ? 0 : s.presencePenalty();
        if (!(presence >= -2 && presence <= 2)) {
            throw ApiError.valueError("presence_penalty must be in [-2, 2], got " + py(presence) + ".");
        }
        double frequency = s.frequencyPenalty() == null ? 0 : s.frequencyPenalty();
        if (!(frequency >= -2 && frequency <= 2)) {
            throw ApiError.valueError("frequency_penalty must be in [-2, 2], got " + py(frequency) + ".");
        }
        double repetition = s.repetitionPenalty() == null ? 1 : s.repetitionPenalty();
        if (repetition <= 0) {
            throw ApiError.valueError("repetition_penalty must be greater than zero, got " + py(repetition) + ".");
        }
        double temperature = s.temperature() == null ? 1.0 : s.temperature();
        if (temperature < 0) {
            throw ApiError.invalid(
                    "temperature must be non-negative, got " + py(temperature) + ".", "temperature", py(temperature));
        }
        double topP = s.topP() == null ? 1.0 : s.topP();
        if (!(topP > 0 && topP <= 1)) {
            throw ApiError.invalid("top_p must be in (0, 1], got " + py(topP) + ".", "top_p", py(topP));
        }
        if (s.topK() != null && s.topK() < -1) {
            throw ApiError.valueError("top_k must be 0 (disable), or at least 1, got " + s.topK() + ".");
        }
        double minP = s.minP() == null ? 0 : s.minP();
        if (!(minP >= 0 && minP <= 1)) {
            throw ApiError.valueError("min_p must be in [0, 1], got " + py(minP) + ".");
        }
        if (maxTokens < 1) {
            throw ApiError.invalid("max_tokens must be at least 1, got " + maxTokens + ".", "max_tokens", maxTokens);
        }
        if (s.minTokens() < 0) {
            throw ApiError.valueError("min_tokens must be greater than or equal to 0, got " + s.minTokens() + ".");
        }
        if (s.minTokens() > maxTokens) {
            throw ApiError.valueError("min_tokens must be less than or equal to max_tokens=" + maxTokens + ", got "
                    + s.minTokens() + ".");
        }
        if (s.logprobs() != null && s.logprobs() != -1 && s.logprobs() < 0) {
            throw ApiError.invalid(
                    "logprobs must be non-negative or -1, got " + s.logprobs() + ".", "logprobs", s.logprobs());
        }
        for (String x : s.stop()) {
            if (x.isEmpty()) {
                throw ApiError.valueError("stop cannot contain an empty string.");
            }
        }
        if (temperature < 1e-5 && s.n() > 1) {
            throw ApiError.valueError("n must be 1 when using greedy sampling, got " + s.n() + ".");
        }
    }

    /** The engine's check of {@code --max-logprobs} (20), made when the request reaches the engine. */
    private static ApiError logprobsLimit(OpenAiRequest.Sampling s) {
        if (s.logprobs() != null && s.logprobs() > MAX_LOGPROBS) {
            return ApiError.invalid(
                    "Requested sample logprobs of " + s.logprobs() + ", which is greater than max allowed: "
                            + MAX_LOGPROBS,
                    "logprobs",
                    s.logprobs());
        }
        return null;
    }

    /** Python's str() of a float: 0.5, 2.0, -1.0. */
    private static String py(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
    }

    private void respond(
            Context ctx,
            OpenAiRequest req,
            List<Job> jobs,
            LinkedBlockingQueue<Object> events,
            String id,
            long created,
            int promptTotal,
            long receivedNanos) {
        int done = 0;
        try {
            while (done < jobs.size()) {
                if (closed.getAsBoolean()) {
                    abortAll(jobs);
                    error(ctx, new ApiError(503, "ServiceUnavailableError", "the simulator is shutting down", null));
                    return;
                }
                Object ev = events.poll(200, TimeUnit.MILLISECONDS);
                if (ev instanceof Done) {
                    done++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortAll(jobs);
            return;
        }
        List<OpenAiJson.Choice> choices = new ArrayList<>();
        int completion = 0;
        Integer top = req.sampling().logprobs();
        for (Job j : jobs) {
            OpenAiJson.Logprobs lp =
                    top == null ? null : new OpenAiJson.Logprobs(j.plan, j.seed, 0, j.plan.tokens(), top, 0);
            choices.add(new OpenAiJson.Choice(j.index, j.plan.text(), lp, j.plan.finishReason(), j.plan.stopReason()));
            completion += j.plan.tokens();
        }
        StringBuilder sb = new StringBuilder(512 + 16 * completion);
        int prompt = req.chat() ? req.promptTokens() : promptTotal;
        OpenAiJson.response(sb, req.chat(), id, created, config.model(), choices, prompt, completion);
        timing(ctx.res(), receivedNanos);
        ctx.contentType("application/json").result(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void abortAll(List<Job> jobs) {
        for (Job j : jobs) {
            loop.abort(j.request.id);
        }
    }

    private static void timing(HttpServletResponse res, long receivedNanos) {
        if (receivedNanos >= 0) {
            res.setHeader(TIMING_RESPONSE, "received=" + receivedNanos + ",first-write=" + System.nanoTime());
        }
    }

    private void stream(
            Context ctx,
            OpenAiRequest req,
            List<Job> jobs,
            LinkedBlockingQueue<Object> events,
            String id,
            long created,
            int promptTotal,
            long receivedNanos) {
        HttpServletResponse res = ctx.res();
        startStream(res);
        List<Object> batch = new ArrayList<>();
        boolean rolesSent = false;
        int finished = 0;
        Integer top = req.sampling().logprobs();
        try {
            ServletOutputStream out = res.getOutputStream();
            while (true) {
                Object first = events.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed.getAsBoolean()) {
                        abortAll(jobs);
                        return;
                    }
                    continue;
                }
                batch.clear();
                batch.add(first);
                events.drainTo(batch);
                StringBuilder sb = new StringBuilder(256 * batch.size());
                for (Object ev : batch) {
                    if (ev instanceof Tok t) {
                        if (req.chat() && !rolesSent) {
                            for (Job j : jobs) {
                                sb.append("data: ");
                                OpenAiJson.roleChunk(sb, id, created, config.model(), j.index);
                                sb.append("\n\n");
                            }
                            rolesSent = true;
                        }
                        Job j = jobs.get(t.choice());
                        if (t.generated() > j.sentTokens) {
                            chunk(sb, req, j, t.generated(), top, id, created);
                        }
                    } else if (ev instanceof Done) {
                        finished++;
                    }
                }
                if (finished == jobs.size() && req.includeUsage()) {
                    int completion = 0;
                    for (Job j : jobs) {
                        completion += j.sentTokens;
                    }
                    int prompt = req.chat() ? req.promptTokens() : promptTotal;
                    sb.append("data: ");
                    OpenAiJson.usageChunk(sb, req.chat(), id, created, config.model(), prompt, completion);
                    sb.append("\n\n");
                }
                byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                if (!res.isCommitted()) {
                    timing(res, receivedNanos);
                }
                out.write(bytes);
                if (finished == jobs.size()) {
                    out.write(DONE);
                    out.flush();
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            abortAll(jobs); // client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortAll(jobs);
        }
    }

    /** One chunk with the tokens {@code sentTokens..generated-1} of a choice (one engine step). */
    private void chunk(
            StringBuilder sb, OpenAiRequest req, Job j, int generated, Integer top, String id, long created) {
        ChoicePlan p = j.plan;
        int upTo = Math.min(generated, p.tokens());
        int chars = p.visible()[upTo - 1];
        String delta = p.text().substring(j.sentChars, Math.max(j.sentChars, chars));
        OpenAiJson.Logprobs lp = null;
        if (top != null) {
            int offset = 0;
            for (int i = 0; i < j.sentTokens; i++) {
                offset += p.tokenText(i).length();
            }
            lp = new OpenAiJson.Logprobs(p, j.seed, j.sentTokens, upTo, top, offset);
        }
        boolean last = upTo == p.tokens();
        String finish = last ? p.finishReason() : null;
        Object reason = last ? p.stopReason() : null;
        sb.append("data: ");
        if (req.chat()) {
            OpenAiJson.chatChunk(sb, id, created, config.model(), j.index, delta, lp, finish, reason);
        } else {
            OpenAiJson.completionChunk(sb, id, created, config.model(), j.index, delta, lp, finish, reason);
        }
        sb.append("\n\n");
        j.sentTokens = upTo;
        j.sentChars = Math.max(j.sentChars, chars);
        j.finished = last;
    }

    private static void startStream(HttpServletResponse res) {
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
    }

    /** A failure found once the stream has started (vLLM: the engine rejects the request): one error event. */
    private static void streamError(Context ctx, ApiError e, long receivedNanos) throws IOException {
        HttpServletResponse res = ctx.res();
        startStream(res);
        timing(res, receivedNanos);
        String body = "data: " + OpenAiJson.streamError(e.getMessage(), e.type, e.param, e.status) + "\n\n";
        ServletOutputStream out = res.getOutputStream();
        out.write(body.getBytes(StandardCharsets.UTF_8));
        out.write(DONE);
        out.flush();
    }

    static void error(Context ctx, ApiError e) {
        ctx.status(e.status).contentType("application/json").result(e.json());
    }
}
