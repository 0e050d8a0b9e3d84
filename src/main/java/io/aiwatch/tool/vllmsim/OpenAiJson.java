package io.aiwatch.tool.vllmsim;

/**
 * Writes the simulator's OpenAI-format response bodies and stream chunks (field order and shape as
 * vLLM's OpenAI server writes them), straight into a StringBuilder to keep streaming cheap.
 */
final class OpenAiJson {
    private OpenAiJson() {}

    /** One streamed chunk carrying {@code text} (chat: as {@code delta.content}). */
    static void chunk(
            StringBuilder sb, boolean chat, String id, long created, String model, String text, String finish) {
        head(sb, id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        sb.append(",\"choices\":[{\"index\":0,");
        if (chat) {
            sb.append("\"delta\":{\"content\":");
            str(sb, text).append("},\"logprobs\":null,\"finish_reason\":");
        } else {
            sb.append("\"text\":");
            str(sb, text).append(",\"logprobs\":null,\"finish_reason\":");
        }
        nullable(sb, finish);
        if (!chat) {
            sb.append(",\"stop_reason\":null");
        }
        sb.append("}]}");
    }

    /** The first chat chunk: the assistant role with empty content. */
    static void roleChunk(StringBuilder sb, String id, long created, String model) {
        head(sb, id, "chat.completion.chunk", created, model);
        sb.append(
                ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
    }

    /** The final usage-only chunk sent when {@code stream_options.include_usage} is set. */
    static void usageChunk(
            StringBuilder sb, boolean chat, String id, long created, String model, int prompt, int completion) {
        head(sb, id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        sb.append(",\"choices\":[],");
        usage(sb, prompt, completion);
        sb.append('}');
    }

    /** A whole non-streaming response. */
    static void response(
            StringBuilder sb,
            boolean chat,
            String id,
            long created,
            String model,
            String text,
            String finish,
            int prompt,
            int completion) {
        head(sb, id, chat ? "chat.completion" : "text_completion", created, model);
        sb.append(",\"choices\":[{\"index\":0,");
        if (chat) {
            sb.append("\"message\":{\"role\":\"assistant\",\"content\":");
            str(sb, text).append("},\"logprobs\":null,\"finish_reason\":");
            nullable(sb, finish);
        } else {
            sb.append("\"text\":");
            str(sb, text).append(",\"logprobs\":null,\"finish_reason\":");
            nullable(sb, finish);
            sb.append(",\"stop_reason\":null");
        }
        sb.append("}],");
        usage(sb, prompt, completion);
        sb.append('}');
    }

    /** vLLM's error body: {@code {"object":"error","message":...,"type":...,"param":null,"code":N}}. */
    static String error(String message, String type, int code) {
        StringBuilder sb = new StringBuilder("{\"object\":\"error\",\"message\":");
        str(sb, message).append(",\"type\":");
        str(sb, type).append(",\"param\":null,\"code\":").append(code).append('}');
        return sb.toString();
    }

    static String models(String model, long created, int maxModelLen) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[{\"id\":");
        str(sb, model)
                .append(",\"object\":\"model\",\"created\":")
                .append(created)
                .append(",\"owned_by\":\"vllm\",\"root\":");
        str(sb, model)
                .append(",\"parent\":null,\"max_model_len\":")
                .append(maxModelLen)
                .append("}]}");
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

    private static void usage(StringBuilder sb, int prompt, int completion) {
        sb.append("\"usage\":{\"prompt_tokens\":")
                .append(prompt)
                .append(",\"total_tokens\":")
                .append(prompt + completion)
                .append(",\"completion_tokens\":")
                .append(completion)
                .append(",\"prompt_tokens_details\":null}");
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
