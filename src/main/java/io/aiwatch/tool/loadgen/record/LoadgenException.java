package io.aiwatch.tool.loadgen.record;

/** A user-facing error (bad flag, unreadable dataset): the message is printed as is, no stack trace. */
public final class LoadgenException extends RuntimeException {
    public LoadgenException(String message) {
        super(message);
    }
}
