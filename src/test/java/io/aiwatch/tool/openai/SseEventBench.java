package io.aiwatch.tool.openai;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.charset.StandardCharsets;

/**
 * Cost of reading one SSE payload for the meter: the streaming {@link ChunkReader} (as the meter
 * uses it after the first chunk: model already known) beside the tree reading it replaced (the
 * same fields from a Jackson tree), alternating in the same JVM.
 * Run: {@code java -cp target/classes:target/test-classes:target/aiwatch.jar io.aiwatch.tool.openai.SseEventBench}
 */
public final class SseEventBench {
    private static final com.fasterxml.jackson.databind.ObjectMapper TREE =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** What the meter did per event before: a tree, then usage, choices, model, finish reasons, first text. */
    private static int tree(String payload) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = TREE.readTree(payload);
            com.fasterxml.jackson.databind.JsonNode u = root.get("usage");
            int n = u != null && u.isObject() ? 1 : 0;
            com.fasterxml.jackson.databind.JsonNode choices = root.path("choices");
            if (!choices.isArray() || choices.isEmpty()) {
                return n;
            }
            n += root.path("model").isTextual() ? 1 : 0;
            for (com.fasterxml.jackson.databind.JsonNode c : choices) {
                n += c.path("finish_reason").isTextual() ? 1 : 0;
            }
            com.fasterxml.jackson.databind.JsonNode c0 = choices.get(0);
            String text = c0.has("delta")
                    ? c0.path("delta").path("content").asText("")
                    : c0.path("text").asText("");
            return n + text.length();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    public static void main(String[] args) {
        String chat =
                "{\"id\":\"chatcmpl-8e1f\",\"object\":\"chat.completion.chunk\",\"created\":1764201600,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the\"},\"logprobs\":null,\"finish_reason\":null}]}";
        String text =
                "{\"id\":\"cmpl-8e1f\",\"object\":\"text_completion\",\"created\":1764201600,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
                        + "\"choices\":[{\"index\":0,\"text\":\" the\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}]}";
        byte[][] payloads = {chat.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8)};
        String[] strings = {chat, text};
        JsonFactory json = new JsonFactory();
        ChunkReader reader = new ChunkReader(json, false); // one per stream, as the meter keeps it
        int n = 200_000;
        long sink = 0;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte[] b = payloads[i & 1];
                reader.read(b, 0, b.length, false);
                sink += reader.choices + (reader.firstHasText ? 1 : 0);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += tree(strings[i & 1]);
            }
            long t2 = System.nanoTime();
            double streaming = (t1 - t0) / (double) n;
            double tree = (t2 - t1) / (double) n;
            System.out.printf(
                    "round %d: streaming %.0f ns/event, tree %.0f ns/event, tree/streaming %.2f%s%n",
                    round, streaming, tree, tree / streaming, round < 2 ? " (warm-up)" : "");
        }
        System.out.println("(sink " + sink + ")");
    }
}
