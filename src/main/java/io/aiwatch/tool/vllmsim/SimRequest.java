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
    /** Seed of this request's draws (speculative acceptance), from its prompt: the same request draws the same in any run. */
    final long seed;
    /** Chained hashes of the prompt's full KV blocks (prefix caching), or null. */
    final long[] blockHashes;

    double arrival = Double.NaN;
    int computed;
    int generated;
    int blocks;
    /** Leading prompt blocks held as shared cached blocks (counted in {@link #blocks}). */
    int cachedHeld;
    /** Leading prompt blocks already registered with the cache (or found there). */
    int registered;
    /** Prompt tokens found in the prefix cache when first scheduled, -1 before. */
    int cachedAtStart = -1;

    int preemptions;
    java.util.SplittableRandom random;
    double firstScheduled = Double.NaN;
    double firstToken = Double.NaN;
    double lastToken = Double.NaN;
    boolean done;

    SimRequest(long id, int promptTokens, int targetTokens, String finishReason, int paramsMaxTokens, TokenSink sink) {
        this(id, promptTokens, targetTokens, finishReason, paramsMaxTokens, sink, id, null);
    }

    SimRequest(
            long id,
            int promptTokens,
            int targetTokens,
            String finishReason,
            int paramsMaxTokens,
            TokenSink sink,
            long seed,
            long[] blockHashes) {
        this.seed = seed;
        this.blockHashes = blockHashes;
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
