package io.aiwatch.tool.vllmsim;

import java.nio.charset.StandardCharsets;

/**
 * Writes the simulator's OpenAI-format bodies and stream chunks with vLLM's field order and null
 * conventions (its pydantic models: whole responses dump every field, stream chunks only the
 * fields vLLM sets, the usage chunk drops nulls), straight into a StringBuilder to keep streaming
 * cheap.
 */
final class OpenAiJson {
    private OpenAiJson() {}

    /** Where a chunk's logprobs come from: tokens {@code from..to-1} of a choice, or none. */
    record Logprobs(ChoicePlan plan, long seed, int from, int to, int top, int textOffset) {}

    /** A streamed completions chunk for one choice. */
    static void completionChunk(
            StringBuilder sb,
            String id,
            long created,
            String model,
            int index,
            String text,
            Logprobs lp,
            String finish,
            Object stopReason) {
        head(sb, id, "text_completion", created, model);
        sb.append(",\"choices\":[{\"index\":").append(index).append(",\"text\":");
        str(sb, text).append(",\"logprobs\":");
        completionLogprobs(sb, lp);
        sb.append(",\"finish_reason\":");
        nullable(sb, finish);
        sb.append(",\"stop_reason\":");
        reason(sb, stopReason);
        sb.append(",\"prompt_token_ids\":null,\"token_ids\":null}]}");
    }

    /** The first chat chunk of a choice: the assistant role with empty content. */
    static void roleChunk(StringBuilder sb, String id, long created, String model, int index) {
        head(sb, id, "chat.completion.chunk", created, model);
        sb.append(",\"choices\":[{\"index\":")
                .append(index)
                .append(
                        ",\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]"
                                + ",\"prompt_token_ids\":null,\"prompt_text\":null}");
    }

    /** A streamed chat chunk for one choice; the last one carries finish_reason and stop_reason. */
    static void chatChunk(
            StringBuilder sb,
            String id,
            long created,
            String model,
            int index,
            String text,
            Logprobs lp,
            String finish,
            Object stopReason) {
        head(sb, id, "chat.completion.chunk", created, model);
        sb.append(",\"choices\":[{\"index\":").append(index).append(",\"delta\":{\"content\":");
        str(sb, text).append("},\"logprobs\":");
        chatLogprobs(sb, lp);
        sb.append(",\"finish_reason\":");
        nullable(sb, finish);
        if (finish != null) {
            sb.append(",\"stop_reason\":");
            reason(sb, stopReason);
            sb.append(",\"token_ids\":null");
        }
        sb.append("}]}");
    }

    /** The final usage-only chunk sent when {@code stream_options.include_usage} is set. */
    static void usageChunk(
            StringBuilder sb, boolean chat, String id, long created, String model, int prompt, int completion) {
        head(sb, id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        sb.append(",\"choices\":[],\"usage\":{\"prompt_tokens\":")
                .append(prompt)
                .append(",\"total_tokens\":")
                .append(prompt + completion)
                .append(",\"completion_tokens\":")
                .append(completion)
                .append("}}");
    }

    /** One choice of a whole (non-streaming) response. */
    record Choice(int index, String text, Logprobs logprobs, String finish, Object stopReason) {}

    /** A whole non-streaming response. */
    static void response(
            StringBuilder sb,
            boolean chat,
            String id,
            long created,
            String model,
            java.util.List<Choice> choices,
            int prompt,
            int completion) {
        head(sb, id, chat ? "chat.completion" : "text_completion", created, model);
        sb.append(",\"choices\":[");
        for (int i = 0; i < choices.size(); i++) {
            Choice c = choices.get(i);
            sb.append(i > 0 ? "," : "").append("{\"index\":").append(c.index());
            if (chat) {
                sb.append(",\"message\":{\"role\":\"assistant\",\"content\":");
                str(sb, c.text())
                        .append(",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,"
                                + "\"tool_calls\":[],\"reasoning\":null},\"logprobs\":");
                chatLogprobs(sb, c.logprobs());
                sb.append(",\"finish_reason\":");
                nullable(sb, c.finish());
                sb.append(",\"stop_reason\":");
                reason(sb, c.stopReason());
                sb.append(",\"token_ids\":null}");
            } else {
                sb.append(",\"text\":");
                str(sb, c.text()).append(",\"logprobs\":");
                completionLogprobs(sb, c.logprobs());
                sb.append(",\"finish_reason\":");
                nullable(sb, c.finish());
                sb.append(",\"stop_reason\":");
                reason(sb, c.stopReason());
                sb.append(",\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null}");
            }
        }
        sb.append("],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":")
                .append(prompt)
                .append(",\"total_tokens\":")
                .append(prompt + completion)
                .append(",\"completion_tokens\":")
                .append(completion)
                .append(",\"prompt_tokens_details\":null}");
        if (chat) {
            sb.append(",\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"prompt_text\":null");
        }
        sb.append(",\"kv_transfer_params\":null}");
    }

    /** vLLM's error body: {@code {"error":{"message":...,"type":...,"param":...,"code":N}}}. */
    static String error(String message, String type, String param, int code) {
        StringBuilder sb = new StringBuilder("{\"error\":{\"message\":");
        str(sb, message).append(",\"type\":");
        str(sb, type).append(",\"param\":");
        nullable(sb, param);
        return sb.append(",\"code\":").append(code).append("}}").toString();
    }

    /** The error event of a stream that fails after the 200 (Python's json.dumps spacing, as vLLM sends it). */
    static String streamError(String message, String type, String param, int code) {
        StringBuilder sb = new StringBuilder("{\"error\": {\"message\": ");
        str(sb, message).append(", \"type\": ");
        str(sb, type).append(", \"param\": ");
        nullable(sb, param);
        return sb.append(", \"code\": ").append(code).append("}}").toString();
    }

    static String models(String model, long created, int maxModelLen, String permissionId) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[{\"id\":");
        str(sb, model)
                .append(",\"object\":\"model\",\"created\":")
                .append(created)
                .append(",\"owned_by\":\"vllm\",\"root\":");
        str(sb, model)
                .append(",\"parent\":null,\"max_model_len\":")
                .append(maxModelLen)
                .append(",\"permission\":[{\"id\":\"")
                .append(permissionId)
                .append("\",\"object\":\"model_permission\",\"created\":")
                .append(created)
                .append(",\"allow_create_engine\":false,\"allow_sampling\":true,\"allow_logprobs\":true,"
                        + "\"allow_search_indices\":false,\"allow_view\":true,\"allow_fine_tuning\":false,"
                        + "\"organization\":\"*\",\"group\":null,\"is_blocking\":false}]}]}");
        return sb.toString();
    }

    private static void head(StringBuilder sb, String id, String object, long created, String model) {
        sb.append("{\"id\":\"")
                .append(id)
                .append("\",\"object\":\"")
                .append(object)
                .append("\",\"created\":")
                .append(created)
                .append(",\"model\":");
        str(sb, model);
    }

    /** Completions logprobs: text_offset, token_logprobs, tokens, top_logprobs (the sampled token and the top N). */
    private static void completionLogprobs(StringBuilder sb, Logprobs lp) {
        if (lp == null) {
            sb.append("null");
            return;
        }
        StringBuilder offsets = new StringBuilder("[");
        StringBuilder values = new StringBuilder("[");
        StringBuilder tokens = new StringBuilder("[");
        StringBuilder tops = new StringBuilder("[");
        int offset = lp.textOffset();
        for (int i = lp.from(); i < lp.to(); i++) {
            String sep = i > lp.from() ? "," : "";
            String token = lp.plan().tokenText(i);
            offsets.append(sep).append(offset);
            offset += token.length();
            values.append(sep).append(TokenLogprobs.sampled(lp.seed(), i));
            tokens.append(sep);
            str(tokens, token);
            tops.append(sep).append('{');
            String[] alt = TokenLogprobs.top(lp.plan(), i, Math.max(lp.top(), 0) + 1);
            for (int k = 0; k < alt.length; k++) {
                tops.append(k > 0 ? "," : "");
                str(tops, alt[k]).append(':').append(TokenLogprobs.ranked(lp.seed(), i, k));
            }
            tops.append('}');
        }
        sb.append("{\"text_offset\":")
                .append(offsets)
                .append("],\"token_logprobs\":")
                .append(values)
                .append("],\"tokens\":")
                .append(tokens)
                .append("],\"top_logprobs\":")
                .append(tops)
                .append("]}");
    }

    /** Chat logprobs: content entries of token, logprob, bytes and top_logprobs (top N, sampled first). */
    private static void chatLogprobs(StringBuilder sb, Logprobs lp) {
        if (lp == null) {
            sb.append("null");
            return;
        }
        sb.append("{\"content\":[");
        for (int i = lp.from(); i < lp.to(); i++) {
            sb.append(i > lp.from() ? "," : "");
            String token = lp.plan().tokenText(i);
            entry(sb, token, TokenLogprobs.sampled(lp.seed(), i));
            sb.setLength(sb.length() - 1);
            sb.append(",\"top_logprobs\":[");
            String[] alt = TokenLogprobs.top(lp.plan(), i, lp.top() < 0 ? 0 : lp.top());
            for (int k = 0; k < alt.length; k++) {
                sb.append(k > 0 ? "," : "");
                entry(sb, alt[k], TokenLogprobs.ranked(lp.seed(), i, k));
            }
            sb.append("]}");
        }
        sb.append("]}");
    }

    private static void entry(StringBuilder sb, String token, double logprob) {
        sb.append("{\"token\":");
        str(sb, token).append(",\"logprob\":").append(logprob).append(",\"bytes\":[");
        byte[] b = token.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            sb.append(i > 0 ? "," : "").append(b[i] & 0xff);
        }
        sb.append("]}");
    }

    private static void reason(StringBuilder sb, Object stopReason) {
        if (stopReason instanceof Integer id) {
            sb.append(id);
        } else {
            nullable(sb, (String) stopReason);
        }
    }

    private static void nullable(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
        } else {
            str(sb, s);
        }
    }

    static StringBuilder str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
