package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The parts of an OpenAI completions or chat request the simulator uses.
 *
 * @param chat          true for {@code /v1/chat/completions}
 * @param model         requested model name
 * @param promptTokens  prompt length in simulator tokens (chat: messages plus template overhead)
 * @param maxTokens     {@code max_tokens} / {@code max_completion_tokens}, or -1 when absent
 * @param stream        SSE streaming requested
 * @param includeUsage  {@code stream_options.include_usage}
 * @param textSeed      seed of the generated text and of the drawn output length
 * @param blockHashes   chained hashes of the prompt's full KV blocks (for prefix caching)
 */
record OpenAiRequest(
        boolean chat,
        String model,
        int promptTokens,
        int maxTokens,
        boolean stream,
        boolean includeUsage,
        long textSeed,
        long[] blockHashes) {

    /** Template tokens per chat message (start, role, separator, end) and for the assistant turn. */
    static final int CHAT_TOKENS_PER_MESSAGE = 4;

    static final int CHAT_TOKENS_GENERATION_PROMPT = 3;

    /** A client error, answered with HTTP 400 and an OpenAI error body. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    static OpenAiRequest parse(ObjectMapper json, byte[] body, boolean chat, long seed) throws BadRequest {
        return parse(json, body, chat, seed, 16);
    }

    /** As {@link #parse(ObjectMapper, byte[], boolean, long)}, with block hashes for blocks of {@code blockSize} tokens. */
    static OpenAiRequest parse(ObjectMapper json, byte[] body, boolean chat, long seed, int blockSize)
            throws BadRequest {
        TokenHashes hashes = new TokenHashes();
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest("request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest("request body must be a JSON object");
        }
        String model = root.path("model").asText("");
        int prompt;
        long textSeed = seed;
        if (chat) {
            JsonNode messages = root.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                throw new BadRequest("'messages' must be a non-empty array");
            }
            prompt = CHAT_TOKENS_GENERATION_PROMPT;
            for (JsonNode m : messages) {
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
        } else {
            JsonNode p = root.get("prompt");
            if (p == null || p.isNull()) {
                throw new BadRequest("'prompt' is required");
            }
            if (p.isTextual()) {
                prompt = SimTokenizer.count(p.asText());
                SimTokenizer.hashTokens(p.asText(), 0, hashes);
                textSeed = SimTokenizer.mix(textSeed ^ p.asText().hashCode());
            } else if (p.isArray() && p.size() > 0 && p.get(0).isInt()) {
                prompt = p.size();
                p.forEach(t -> hashes.accept(SimTokenizer.mix(t.asLong() + 0x51ED27L)));
                textSeed = SimTokenizer.mix(textSeed ^ p.toString().hashCode());
            } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
                prompt = SimTokenizer.count(p.get(0).asText());
                SimTokenizer.hashTokens(p.get(0).asText(), 0, hashes);
                textSeed = SimTokenizer.mix(textSeed ^ p.get(0).asText().hashCode());
            } else {
                throw new BadRequest("'prompt' must be a string, one string in a list, or a list of token ids");
            }
        }
        if (prompt < 1) {
            throw new BadRequest("prompt must contain at least one token");
        }
        int n = root.path("n").asInt(1);
        if (n != 1) {
            throw new BadRequest("the simulator supports only n=1, got n=" + n);
        }
        JsonNode mt = root.has("max_completion_tokens") ? root.get("max_completion_tokens") : root.get("max_tokens");
        int maxTokens = -1;
        if (mt != null && !mt.isNull()) {
            if (!mt.canConvertToInt() || mt.asInt() < 1) {
                throw new BadRequest("max_tokens must be a positive integer, got " + mt);
            }
            maxTokens = mt.asInt();
        }
        if (root.hasNonNull("seed")) {
            textSeed = SimTokenizer.mix(textSeed ^ root.get("seed").asLong());
        }
        textSeed = SimTokenizer.mix(textSeed ^ maxTokens);
        boolean stream = root.path("stream").asBoolean(false);
        boolean usage = root.path("stream_options").path("include_usage").asBoolean(false);
        if (chat) {
            for (int t = 0; t < CHAT_TOKENS_GENERATION_PROMPT; t++) {
                hashes.accept(SimTokenizer.mix(0xA55L * 131 + t));
            }
        }
        long[] blocks = SimTokenizer.blockHashes(hashes.values, Math.min(hashes.size, prompt), blockSize);
        return new OpenAiRequest(chat, model, prompt, maxTokens, stream, usage, textSeed, blocks);
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
    }

    private static String messageText(JsonNode content) throws BadRequest {
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
        throw new BadRequest("message 'content' must be a string or a list of parts");
    }
}
