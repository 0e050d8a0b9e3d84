package io.aiwatch.reader.alert.promql;

/** A query that parsed but cannot be answered at this instant (for example many-to-many matching). */
public final class EvalException extends RuntimeException {
    public EvalException(String message) {
        super(message);
    }
}
