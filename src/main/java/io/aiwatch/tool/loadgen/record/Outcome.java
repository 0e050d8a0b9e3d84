package io.aiwatch.tool.loadgen.record;

import java.util.Locale;

/** How a request ended. The label values are bounded: one per constant. */
public enum Outcome {
    OK,
    /** The server answered 4xx. */
    HTTP_4XX,
    /** The server answered 5xx. */
    HTTP_5XX,
    /** No complete answer within --request-timeout. */
    TIMEOUT,
    /** The connection broke or the stream ended without [DONE] after the response started. */
    BROKEN_STREAM,
    /** Could not connect. */
    CONNECT_ERROR,
    /** Any other I/O failure before the response started. */
    IO_ERROR,
    /** The stream carried an error event. */
    STREAM_ERROR,
    /** A 200 response without a single token chunk (vLLM counts it as failed). */
    NO_TOKENS,
    /** Still in flight when the run was interrupted (Ctrl-C). */
    CANCELLED;

    /** The lower-case label value used in metrics and result files. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
