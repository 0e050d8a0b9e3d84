package io.aiwatch.tool.experiment;

/** A mistake in an experiment spec; the message says where (file:line) and what to write instead. */
public final class SpecException extends Exception {
    public SpecException(String message) {
        super(message);
    }
}
