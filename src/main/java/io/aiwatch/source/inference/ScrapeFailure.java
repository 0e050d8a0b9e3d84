package io.aiwatch.source.inference;

/**
 * A failed scrape with a bounded reason, used as the {@code reason} label of
 * {@code aiwatch_inference_scrape_errors_total}.
 */
final class ScrapeFailure extends Exception {
    /** Every reason label value, so each can be exported from the start at 0. */
    static final String[] REASONS = {"connect", "timeout", "http_status", "too_large", "io", "parse", "series_limit"};

    private final String reason;

    ScrapeFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
