package io.aiwatch.http.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Limits that keep the HTTP server answering under hostile or broken clients.
 *
 * @param idleTimeout          read/write timeout: a connection with no bytes moving for this long is
 *                             closed (dcgm-exporter uses 10 s read and write timeouts)
 * @param requestHeaderBytes   largest request line plus headers, bytes; beyond: 431 / 414
 * @param maxRequestBodyBytes  largest request body, bytes; beyond: 413 (scrapes have no body)
 * @param maxConnections       open connections; more are not accepted until some close
 * @param maxThreads           Jetty worker threads
 * @param maxQueuedRequests    requests waiting for a thread; beyond, Jetty refuses them
 * @param maxConcurrentScrapes {@code /metrics} requests served at once; beyond: 503 (see {@link ScrapeLimiter})
 */
public record HardeningConfig(
        @JsonProperty("idle_timeout") Duration idleTimeout,
        @JsonProperty("request_header_bytes") int requestHeaderBytes,
        @JsonProperty("max_request_body_bytes") long maxRequestBodyBytes,
        @JsonProperty("max_connections") int maxConnections,
        @JsonProperty("max_threads") int maxThreads,
        @JsonProperty("max_queued_requests") int maxQueuedRequests,
        @JsonProperty("max_concurrent_scrapes") int maxConcurrentScrapes) {

    public HardeningConfig {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle_timeout must be positive");
        }
        if (requestHeaderBytes < 1024 || maxRequestBodyBytes < 0 || maxConnections < 1 || maxThreads < 4
                || maxQueuedRequests < 1 || maxConcurrentScrapes < 1) {
            throw new IllegalArgumentException("hardening limits out of range: " + this);
        }
    }

    public static HardeningConfig defaults() {
        return new HardeningConfig(Duration.ofSeconds(10), 8 * 1024, 64 * 1024, 256, 32, 512, 8);
    }

    public HardeningConfig withIdleTimeout(Duration d) {
        return new HardeningConfig(d, requestHeaderBytes, maxRequestBodyBytes, maxConnections, maxThreads,
                maxQueuedRequests, maxConcurrentScrapes);
    }
}
