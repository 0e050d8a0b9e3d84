package io.aiwatch.tool.loadgen.record;

/**
 * What happened to one request. All times are nanoseconds after the run start (t0).
 *
 * @param position        position in the global schedule
 * @param dueNanos        when the schedule wanted it sent
 * @param sendNanos       when it was handed to the HTTP client (after any concurrency-cap wait)
 * @param firstTokenNanos arrival of the first chunk with a choices entry; -1 if none / not streamed
 * @param lastTokenNanos  arrival of the last chunk with a choices entry (streamed) or of the whole
 *                        response (not streamed); -1 if none
 * @param promptTokens    server usage.prompt_tokens, else the dataset's count
 * @param outputTokens    server usage.completion_tokens, else the number of token chunks
 * @param usageReported   whether the counts came from the server's usage
 * @param itlNanos        gaps between consecutive token chunks
 * @param streamed        whether the request streamed
 * @param outcome         how it ended
 * @param error           short error text, or null
 * @param arrivalNanos    when the schedule released it, before any wait for a concurrency slot
 *                        (vLLM's {@code request_arrival_time}; its queue time is send minus this)
 * @param httpStatus      the response status, or -1 when none arrived
 * @param errorBody       the server's error body (start of it) when it answered with an error, else null
 * @param text            the generated text when kept (multi-turn history, --save-detailed), else null
 */
public record RequestRecord(
        int position,
        long dueNanos,
        long sendNanos,
        long firstTokenNanos,
        long lastTokenNanos,
        int promptTokens,
        int outputTokens,
        boolean usageReported,
        long[] itlNanos,
        boolean streamed,
        Outcome outcome,
        String error,
        long arrivalNanos,
        int httpStatus,
        String errorBody,
        String text) {

    /** A record released at its due time, without status, error body or text. */
    public RequestRecord(
            int position,
            long dueNanos,
            long sendNanos,
            long firstTokenNanos,
            long lastTokenNanos,
            int promptTokens,
            int outputTokens,
            boolean usageReported,
            long[] itlNanos,
            boolean streamed,
            Outcome outcome,
            String error) {
        this(
                position,
                dueNanos,
                sendNanos,
                firstTokenNanos,
                lastTokenNanos,
                promptTokens,
                outputTokens,
                usageReported,
                itlNanos,
                streamed,
                outcome,
                error,
                dueNanos,
                -1,
                null,
                null);
    }

    /** vLLM's client queue time: send minus arrival (the wait for a concurrency slot), >= 0. */
    public long queueNanos() {
        return Math.max(0, sendNanos - arrivalNanos);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** Send minus due: how late the client was. */
    public long lagNanos() {
        return sendNanos - dueNanos;
    }

    /** TTFT (streamed requests only), -1 otherwise. */
    public long ttftNanos() {
        return streamed && firstTokenNanos >= 0 ? firstTokenNanos - sendNanos : -1;
    }

    /** E2EL: send to the last token chunk (streamed) or to the complete response. */
    public long e2elNanos() {
        return lastTokenNanos >= 0 ? lastTokenNanos - sendNanos : -1;
    }

    /** vLLM's TPOT, (E2EL - TTFT) / (output tokens - 1); -1 when undefined (<= 1 token or not streamed). */
    public double tpotNanos() {
        if (!streamed || outputTokens <= 1 || firstTokenNanos < 0) {
            return -1;
        }
        return (double) (e2elNanos() - ttftNanos()) / (outputTokens - 1);
    }
}
