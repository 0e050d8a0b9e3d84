package io.aiwatch.reader.http.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.config.DurationText;
import java.time.Duration;

/**
 * Limits that keep the HTTP server answering under hostile or broken clients. In YAML every key is
 * optional (missing keys take {@link #defaults()}); {@code idle_timeout} is a {@link DurationText}.
 *
 * @param idleTimeout          read/write timeout: a connection with no bytes moving for this long is
 *                             closed (dcgm-exporter uses 10 s read and write timeouts)
 * @param requestHeaderBytes   largest request line plus headers, bytes; beyond: 414 / 431
 * @param maxRequestBodyBytes  largest request body, bytes; beyond: 413 (scrapes have no body)
 * @param maxConnections       open connections; more are not accepted until some close
 * @param maxThreads           Jetty worker threads
 * @param maxQueuedRequests    requests waiting for a thread; beyond, Jetty refuses them
 * @param maxConcurrentScrapes {@code /metrics} requests served at once; beyond: 503 (see {@link ScrapeLimiter})
 */
public record HardeningConfig(
        Duration idleTimeout,
        int requestHeaderBytes,
        long maxRequestBodyBytes,
        int maxConnections,
        int maxThreads,
        int maxQueuedRequests,
        int maxConcurrentScrapes) {

    public HardeningConfig {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle_timeout must be positive");
        }
        if (requestHeaderBytes < 1024
                || maxRequestBodyBytes < 0
                || maxConnections < 1
                || maxThreads < 4
                || maxQueuedRequests < 1
                || maxConcurrentScrapes < 1) {
            throw new IllegalArgumentException("hardening limits out of range (request_header_bytes >= 1024, "
                    + "max_threads >= 4, the others >= 1): " + this);
        }
    }

    public static HardeningConfig defaults() {
        // 40 concurrent scrapes, as nvidia_gpu_exporter's --web.max-requests: a scrape costs well under a millisecond
        // of CPU here, so the cap is about shedding a runaway client, not about protecting NVML.
        return new HardeningConfig(Duration.ofSeconds(10), 8 * 1024, 64 * 1024, 256, 64, 512, 40);
    }

    /** The YAML form; absent keys keep their defaults. */
    @JsonCreator
    static HardeningConfig fromYaml(
            @JsonProperty("idle_timeout") String idleTimeout,
            @JsonProperty("request_header_bytes") Integer requestHeaderBytes,
            @JsonProperty("max_request_body_bytes") Long maxRequestBodyBytes,
            @JsonProperty("max_connections") Integer maxConnections,
            @JsonProperty("max_threads") Integer maxThreads,
            @JsonProperty("max_queued_requests") Integer maxQueuedRequests,
            @JsonProperty("max_concurrent_scrapes") Integer maxConcurrentScrapes) {
        HardeningConfig d = defaults();
        Duration idle = d.idleTimeout();
        if (idleTimeout != null) {
            try {
                idle = DurationText.parse(idleTimeout);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("idle_timeout: " + e.getMessage());
            }
        }
        return new HardeningConfig(
                idle,
                requestHeaderBytes == null ? d.requestHeaderBytes() : requestHeaderBytes,
                maxRequestBodyBytes == null ? d.maxRequestBodyBytes() : maxRequestBodyBytes,
                maxConnections == null ? d.maxConnections() : maxConnections,
                maxThreads == null ? d.maxThreads() : maxThreads,
                maxQueuedRequests == null ? d.maxQueuedRequests() : maxQueuedRequests,
                maxConcurrentScrapes == null ? d.maxConcurrentScrapes() : maxConcurrentScrapes);
    }
}
