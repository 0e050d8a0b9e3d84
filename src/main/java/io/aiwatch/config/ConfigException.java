package io.aiwatch.config;

/** A configuration mistake; its message says where (file:line:column) and what to fix. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
