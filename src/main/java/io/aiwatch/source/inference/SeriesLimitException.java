package io.aiwatch.source.inference;

/**
 * A target's exposition had more samples than its budget: nothing of that scrape is used, so a
 * target can never hold more than its budget in memory, nor show a half-read histogram.
 */
public final class SeriesLimitException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The budget, samples. */
    private final long limit;
    /** Samples in the whole exposition (those past the budget counted, not parsed). */
    private final long samples;

    public SeriesLimitException(long limit, long samples) {
        super(samples + " samples, more than the budget of " + limit);
        this.limit = limit;
        this.samples = samples;
    }

    public long limit() {
        return limit;
    }

    /** All samples of the exposition: the whole scrape was dropped. */
    public long samples() {
        return samples;
    }
}
