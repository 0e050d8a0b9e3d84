package io.aiwatch.reader.alert.promql;

/** An expression outside the supported subset, or one that does not parse; {@code position} is a character offset. */
public final class PromqlException extends Exception {
    private final int position;

    public PromqlException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** Offset of the offending token in the expression text. */
    public int position() {
        return position;
    }
}
