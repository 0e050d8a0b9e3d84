package io.aiwatch.reader.http.security;

/** A web-config file that cannot be used; the message names the file, and the line or key where known. */
public final class WebConfigException extends Exception {
    public WebConfigException(String message) {
        super(message);
    }

    public WebConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
