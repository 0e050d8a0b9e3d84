package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenAI completions or chat request the simulator uses, parsed and checked the
 * way vLLM's request models do (field types, then the models' validators, in vLLM's order).
 * Checks that vLLM makes later, in its serving code, are in {@link CompletionHandler}.
 *
 * @param chat          true for {@code /v1/chat/completions}
 * @param model         requested model name ("" when absent: the served one)
 * @param prompts       one entry per prompt (completions accept a list of prompts, chat has one)
 * @param sampling      the sampling parameters as given
 * @param stream        SSE streaming requested
 * @param includeUsage  {@code stream_options.include_usage}
 * @param echo          completions {@code echo} (refused by the simulator)
 */
record OpenAiRequest(
        boolean chat,
        String model,
        List<Prompt> prompts,
        Sampling sampling,
        boolean stream,
        boolean includeUsage,
        boolean echo) {

    /** Template tokens per chat message (start, role, separator, end) and for the assistant turn. */
    static final int CHAT_TOKENS_PER_MESSAGE = 4;

    static final int CHAT_TOKENS_GENERATION_PROMPT = 3;

    /** vLLM's default {@code max_tokens} of a completions request (the field's default in its request model). */
    static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

    /**
     * One prompt.
     *
     * @param tokens      length in simulator tokens (chat: messages plus template tokens)
     * @param textSeed    seed of the generated text and of where the model would emit EOS
     * @param blockHashes chained hashes of the prompt's full KV blocks (for prefix caching)
     */
    record Prompt(int tokens, long textSeed, long[] blockHashes) {}

    /**
     * Sampling parameters as the request gave them ({@code null}: absent).
     *
     * @param maxTokens     {@code max_tokens} (completions: 16 when absent) / {@code max_completion_tokens}
     * @param maxTokensName the field that gave it, for error messages
     * @param n             choices per prompt
     * @param minTokens     {@code min_tokens}
     * @param ignoreEos     {@code ignore_eos}
     * @param stop          stop strings
     * @param stopTokenIds  stop token ids
     * @param includeStop   {@code include_stop_str_in_output}
     * @param logprobs      completions {@code logprobs} / chat {@code top_logprobs} when {@code logprobs} is true
     * @param seed          {@code seed}
     * @param temperature   {@code temperature}
     * @param topP          {@code top_p}
     * @param topK          {@code top_k}
     * @param minP          {@code min_p}
     * @param presencePenalty   {@code presence_penalty}
     * @param frequencyPenalty  {@code frequency_penalty}
     * @param repetitionPenalty {@code repetition_penalty}
     */
    record Sampling(
            Integer maxTokens,
            String maxTokensName,
            int n,
            int minTokens,
            boolean ignoreEos,
            List<String> stop,
            List<Integer> stopTokenIds,
            boolean includeStop,
            Integer logprobs,
            Long seed,
            Double temperature,
            Double topP,
            Integer topK,
            Double minP,
            Double presencePenalty,
            Double frequencyPenalty,
            Double repetitionPenalty) {}

    /** Length of the first prompt (the only one for chat). */
    int promptTokens() {
        return prompts.get(0).tokens();
    }

    /** Block hashes of the first prompt. */
    long[] blockHashes() {
        return prompts.get(0).blockHashes();
    }

    /** Text seed of the first prompt. */
    long textSeed() {
        return prompts.get(0).textSeed();
    }

    static OpenAiRequest parse(ObjectMapper json, byte[] body, boolean chat, long seed) throws ApiError {
        return parse(json, body, chat, seed, 16);
    }

    /** As {@link #parse(ObjectMapper, byte[], boolean, long)}, with block hashes for blocks of {@code blockSize} tokens. */
    static OpenAiRequest parse(ObjectMapper json, byte[] body, boolean chat, long seed, int blockSize) throws ApiError {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            long offset =
                    e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
            throw ApiError.validation(
                    "[{'type': 'json_invalid', 'loc': ('body', " + offset
                            + "), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': "
                            + PyRepr.str(e.getOriginalMessage()) + "}}]",
                    null);
        } catch (IOException e) {
            throw ApiError.validation(
                    "[" + PyRepr.str("request body could not be read: " + e.getMessage()) + "]", null);
        }
        if (root == null || !root.isObject()) {
            throw ApiError.validation(
                    "[{'type': 'model_attributes_type', 'loc': ('body',), 'msg': 'Input should be a valid"
                            + " dictionary or object to extract fields from', 'input': " + PyRepr.of(root) + "}]",
                    null);
        }
        RequestFields f = new RequestFields(root);
        // the request models' "before" validators, in the order vLLM declares them
        if (chat) {
            checkStreamOptions(f);
            checkTopLogprobs(f);
        } else {
            checkLogprobs(f);
            checkStreamOptions(f);
            JsonNode p = f.raw("prompt");
            if (p == null || (p.isTextual() && p.textValue().isEmpty())) {
                throw ApiError.validator("Either prompt or prompt_embeds must be provided and non-empty.", null, null);
            }
        }
        String model = f.optString("model");
        List<Prompt> prompts = chat ? List.of(chatPrompt(f, seed, blockSize)) : completionPrompts(f, seed, blockSize);
        Integer maxTokens;
        String maxName;
        if (chat) {
            Integer mct = f.optInt("max_completion_tokens");
            Integer mt = f.optInt("max_tokens");
            maxTokens = mct != null ? mct : mt;
            maxName = mct != null ? "max_completion_tokens" : "max_tokens";
        } else {
            maxTokens = f.has("max_tokens") ? f.optInt("max_tokens") : Integer.valueOf(COMPLETIONS_DEFAULT_MAX_TOKENS);
            maxName = "max_tokens";
        }
        Integer logprobs;
        if (chat) {
            boolean lp = f.getBool("logprobs", false);
            int top = f.getInt("top_logprobs", 0);
            logprobs = lp ? top : null;
        } else {
            logprobs = f.optInt("logprobs");
        }
        Sampling sampling = new Sampling(
                maxTokens,
                maxName,
                f.getInt("n", 1),
                f.getInt("min_tokens", 0),
                f.getBool("ignore_eos", false),
                List.copyOf(f.optStrings("stop")),
                List.copyOf(f.optInts("stop_token_ids")),
                f.getBool("include_stop_str_in_output", false),
                logprobs,
                f.optLong("seed"),
                f.optDouble("temperature"),
                f.optDouble("top_p"),
                f.optInt("top_k"),
                f.optDouble("min_p"),
                f.optDouble("presence_penalty"),
                f.optDouble("frequency_penalty"),
                f.optDouble("repetition_penalty"));
        boolean stream = f.getBool("stream", false);
        JsonNode so = f.raw("stream_options");
        boolean usage = false;
        if (so != null) {
            if (!so.isObject()) {
                throw ApiError.field(
                        "model_attributes_type",
                        "stream_options",
                        "Input should be a valid dictionary or object to extract fields from",
                        PyRepr.of(so));
            }
            JsonNode iu = so.get("include_usage");
            usage = iu != null && !iu.isNull() && RequestFields.toBool(iu, "include_usage");
        }
        boolean echo = f.getBool("echo", false);
        return new OpenAiRequest(chat, model == null ? "" : model, prompts, sampling, stream, usage, echo);
    }

    private static void checkStreamOptions(RequestFields f) throws ApiError {
        JsonNode so = f.raw("stream_options");
        boolean truthy = so != null && !(so.isObject() && so.isEmpty());
        JsonNode st = f.raw("stream");
        boolean stream = st != null
                && (st.isBoolean() ? st.booleanValue() : !st.asText("").isEmpty());
        if (truthy && !stream) {
            throw ApiError.validator("Stream options can only be defined when `stream=True`.", "stream_options", null);
        }
    }

    private static void checkLogprobs(RequestFields f) throws ApiError {
        JsonNode lp = f.raw("logprobs");
        if (lp != null && lp.isNumber() && lp.doubleValue() < 0) {
            throw ApiError.validator("`logprobs` must be a positive value.", "logprobs", lp.asText());
        }
    }

    private static void checkTopLogprobs(RequestFields f) throws ApiError {
        JsonNode top = f.raw("top_logprobs");
        if (top != null && top.isNumber()) {
            double t = top.doubleValue();
            if (t < 0 && t != -1) {
                throw ApiError.validator(
                        "`top_logprobs` must be a positive value or -1.", "top_logprobs", top.asText());
            }
            JsonNode lp = f.raw("logprobs");
            boolean logprobs = lp != null && (lp.isBoolean() ? lp.booleanValue() : lp.asDouble(0) != 0);
            if ((t == -1 || t > 0) && !logprobs) {
                throw ApiError.validator(
                        "when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs", null);
            }
        }
    }

    private static Prompt chatPrompt(RequestFields f, long seed, int blockSize) throws ApiError {
        TokenHashes hashes = new TokenHashes();
        JsonNode messages = f.raw("messages");
        if (messages == null) {
            throw ApiError.field("missing", "messages", "Field required", null);
        }
        if (!messages.isArray()) {
            throw ApiError.field("list_type", "messages", "Input should be a valid list", PyRepr.of(messages));
        }
        int prompt = CHAT_TOKENS_GENERATION_PROMPT;
        long textSeed = seed;
        for (JsonNode m : messages) {
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw ApiError.field("missing", "messages", "Field required", PyRepr.of(m));
            }
            String text = messageText(m.get("content"));
            long role = m.path("role").asText("").hashCode();
            for (int t = 0; t < CHAT_TOKENS_PER_MESSAGE; t++) {
                hashes.accept(SimTokenizer.mix(role * 131 + t));
            }
            SimTokenizer.hashTokens(text, 0, hashes);
            prompt += CHAT_TOKENS_PER_MESSAGE + SimTokenizer.count(text);
            textSeed = SimTokenizer.mix(
                    textSeed ^ text.hashCode() ^ m.path("role").asText("").hashCode());
        }
        for (int t = 0; t < CHAT_TOKENS_GENERATION_PROMPT; t++) {
            hashes.accept(SimTokenizer.mix(0xA55L * 131 + t));
        }
        return new Prompt(prompt, textSeed(f, textSeed), hashes.blocks(prompt, blockSize));
    }

    private static List<Prompt> completionPrompts(RequestFields f, long seed, int blockSize) throws ApiError {
        JsonNode p = f.raw("prompt");
        List<Prompt> out = new ArrayList<>();
        if (p.isTextual()) {
            out.add(textPrompt(f, p.textValue(), seed, blockSize));
        } else if (p.isArray() && p.size() > 0 && p.get(0).isIntegralNumber()) {
            out.add(tokenPrompt(f, p, seed, blockSize));
        } else if (p.isArray() && p.size() > 0 && p.get(0).isTextual()) {
            for (JsonNode e : p) {
                if (!e.isTextual()) {
                    throw promptTypeError(e);
                }
                out.add(textPrompt(f, e.textValue(), seed, blockSize));
            }
        } else if (p.isArray() && p.size() > 0 && p.get(0).isArray()) {
            for (JsonNode e : p) {
                if (!e.isArray() || e.isEmpty()) {
                    throw promptTypeError(e);
                }
                out.add(tokenPrompt(f, e, seed, blockSize));
            }
        } else {
            throw promptTypeError(p);
        }
        return out;
    }

    private static ApiError promptTypeError(JsonNode p) {
        return ApiError.field("string_type", "prompt", "Input should be a valid string", PyRepr.of(p));
    }

    private static Prompt textPrompt(RequestFields f, String text, long seed, int blockSize) throws ApiError {
        TokenHashes hashes = new TokenHashes();
        SimTokenizer.hashTokens(text, 0, hashes);
        int tokens = SimTokenizer.count(text);
        return new Prompt(
                tokens, textSeed(f, SimTokenizer.mix(seed ^ text.hashCode())), hashes.blocks(tokens, blockSize));
    }

    private static Prompt tokenPrompt(RequestFields f, JsonNode ids, long seed, int blockSize) throws ApiError {
        TokenHashes hashes = new TokenHashes();
        for (JsonNode t : ids) {
            if (!t.isIntegralNumber()) {
                throw ApiError.field("int_type", "prompt", "Input should be a valid integer", PyRepr.of(t));
            }
            if (t.longValue() < 0) {
                throw ApiError.field(
                        "greater_than_equal", "prompt", "Input should be greater than or equal to 0", PyRepr.of(t));
            }
        }
        ids.forEach(t -> hashes.accept(SimTokenizer.mix(t.asLong() + 0x51ED27L)));
        return new Prompt(
                ids.size(),
                textSeed(f, SimTokenizer.mix(seed ^ ids.toString().hashCode())),
                hashes.blocks(ids.size(), blockSize));
    }

    /** The request's {@code seed} changes the text (and where EOS falls), as a sampling seed does. */
    private static long textSeed(RequestFields f, long promptSeed) throws ApiError {
        Long s = f.optLong("seed");
        return s == null ? promptSeed : SimTokenizer.mix(promptSeed ^ s);
    }

    /** A growable list of token hashes. */
    private static final class TokenHashes implements java.util.function.LongConsumer {
        long[] values = new long[256];
        int size;

        @Override
        public void accept(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] blocks(int promptTokens, int blockSize) {
            return SimTokenizer.blockHashes(values, Math.min(size, promptTokens), blockSize);
        }
    }

    static String messageText(JsonNode content) throws ApiError {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("type").asText("").equals("text")) {
                    if (sb.length() > 0) {
                        sb.append(' ');
                    }
                    sb.append(part.path("text").asText(""));
                }
            }
            return sb.toString();
        }
        throw ApiError.field("string_type", "content", "Input should be a valid string", PyRepr.of(content));
    }
}
