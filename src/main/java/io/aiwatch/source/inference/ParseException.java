package io.aiwatch.source.inference;

/**
 * A bad or truncated exposition. Carries the 1-based line where parsing stopped and a short
 * reason, so a scrape error can say exactly what the target sent.
 */
public final class ParseException extends Exception {
    private final int line;
    private final String reason;

    public ParseException(int line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    /** 1-based line number of the offending line (the line after the last one for a missing terminator). */
    public int line() {
        return line;
    }

    /** What was wrong, without the line number. */
    public String reason() {
        return reason;
    }
}
