package io.aiwatch.tool.vllmsim;

/**
 * Receives a request's progress from the engine thread. Implementations must not block (they hand
 * the event to the HTTP thread that writes the response).
 */
public interface TokenSink {
    /** The request now has {@code generated} output tokens (one more than at the last call). */
    void onToken(int generated);

    /** The request left the engine; no more calls follow. */
    void onFinished(Completion completion);

    /**
     * How a request ended.
     *
     * @param finishReason     {@code stop}, {@code length} or {@code abort}
     * @param promptTokens     prompt tokens (exact, from {@link SimTokenizer})
     * @param completionTokens output tokens generated
     */
    record Completion(String finishReason, int promptTokens, int completionTokens) {}
}
