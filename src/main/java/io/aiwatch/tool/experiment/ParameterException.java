package io.aiwatch.tool.experiment;

/**
 * A parameter of a workload or condition that is missing, unknown or has a bad value. The spec
 * loader turns {@link #key()} into the file:line where the value was written.
 */
public final class ParameterException extends IllegalArgumentException {
    private final String key;

    public ParameterException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The parameter's name as written in the spec (top-level key of the parameter mapping). */
    public String key() {
        return key;
    }
}
