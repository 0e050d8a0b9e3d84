package io.aiwatch.reader.http.security;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps concurrent {@code /metrics} requests. A scrape only renders cached bytes, so more than a few
 * at once means a misbehaving client; beyond the cap the answer is an immediate 503 with
 * {@code Retry-After: 1} (counted), rather than queueing threads and memory.
 */
public final class ScrapeLimiter {
    private final int max;
    private final Semaphore permits;
    private final AtomicLong rejected = new AtomicLong();

    public ScrapeLimiter(int maxConcurrentScrapes) {
        if (maxConcurrentScrapes < 1) {
            throw new IllegalArgumentException(
                    "max concurrent scrapes must be at least 1, got " + maxConcurrentScrapes);
        }
        this.max = maxConcurrentScrapes;
        this.permits = new Semaphore(maxConcurrentScrapes);
    }

    /** {@code handler} behind the cap: {@code app.get("/metrics", limiter.wrap(metricsHandler))}. */
    public Handler wrap(Handler handler) {
        return ctx -> {
            if (!permits.tryAcquire()) {
                reject(ctx);
                return;
            }
            try {
                handler.handle(ctx);
            } finally {
                permits.release();
            }
        };
    }

    private void reject(Context ctx) {
        rejected.incrementAndGet();
        ctx.status(503)
                .header("Retry-After", "1")
                .contentType("text/plain; charset=utf-8")
                .result("too many concurrent scrapes (limit " + max + ")\n");
    }

    public long rejected() {
        return rejected.get();
    }

    public int inFlight() {
        return max - permits.availablePermits();
    }

    /** {@code aiwatch_http_scrapes_rejected_total} and {@code aiwatch_http_scrapes_in_flight}. */
    public List<MetricFamily> families() {
        return List.of(
                MetricFamily.builder(
                                "aiwatch_http_scrapes_rejected_total",
                                MetricType.COUNTER,
                                "Scrapes answered 503 because the concurrent-scrape cap was reached.")
                        .add(Labels.EMPTY, rejected())
                        .build(),
                MetricFamily.builder(
                                "aiwatch_http_scrapes_in_flight", MetricType.GAUGE, "Scrapes being answered right now.")
                        .add(Labels.EMPTY, inFlight())
                        .build(),
                MetricFamily.builder(
                                "aiwatch_http_scrapes_max_concurrent", MetricType.GAUGE, "The concurrent-scrape cap.")
                        .add(Labels.EMPTY, max)
                        .build());
    }
}
