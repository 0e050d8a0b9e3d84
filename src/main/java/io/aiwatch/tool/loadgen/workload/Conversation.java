package io.aiwatch.tool.loadgen.workload;

import java.util.List;

/**
 * One workload item: a single prompt, or a multi-turn session whose turns are sent one after the
 * other (each after the previous answer plus think time), carrying the history along.
 *
 * @param turns at least one turn
 */
public record Conversation(List<Turn> turns) {
    public Conversation {
        turns = List.copyOf(turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one turn");
        }
    }

    public static Conversation single(String text, int promptTokens, int maxTokens) {
        return new Conversation(List.of(new Turn(text, promptTokens, maxTokens)));
    }

    /**
     * One user turn.
     *
     * @param text         the user text
     * @param promptTokens tokens of the text (exact with a tokenizer, else an estimate); the server's
     *                     usage replaces it in results
     * @param maxTokens    output tokens requested (max_tokens / max_completion_tokens)
     */
    public record Turn(String text, int promptTokens, int maxTokens) {}
}
