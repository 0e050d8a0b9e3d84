package io.aiwatch.tool.vllmsim;

/**
 * One request inside the engine. The immutable part comes from the HTTP layer; the mutable
 * scheduling state is touched only by the engine thread. Times are simulated seconds.
 */
final class SimRequest {
    final long id;
    final int promptTokens;
    final int targetTokens;
    final String finishReason;
    /** The request's max_tokens, or -1 when it gave none. */
    final int paramsMaxTokens;

    final TokenSink sink;

    double arrival = Double.NaN;
    int computed;
    int generated;
    int blocks;
    int preemptions;
    double firstScheduled = Double.NaN;
    double firstToken = Double.NaN;
    double lastToken = Double.NaN;
    boolean done;

    SimRequest(long id, int promptTokens, int targetTokens, String finishReason, int paramsMaxTokens, TokenSink sink) {
        this.id = id;
        this.promptTokens = promptTokens;
        this.targetTokens = targetTokens;
        this.finishReason = finishReason;
        this.paramsMaxTokens = paramsMaxTokens;
        this.sink = sink;
    }

    /** Tokens whose KV must be computed before the next token can be sampled. */
    int uncomputed() {
        return promptTokens + generated - computed;
    }

    /** Still in (re)prefill: more than the one decode token is missing. */
    boolean prefilling() {
        return uncomputed() > 1 || generated == 0;
    }
}
