package io.aiwatch.tool.proxy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;

/**
 * Settings of the measuring proxy.
 *
 * @param host                   listen address
 * @param port                   listen port; 0 picks a free one
 * @param upstream               base URL of the OpenAI-compatible server, e.g. {@code http://127.0.0.1:8000}
 * @param maxModels              distinct {@code model} label values kept; later models are {@code other}
 * @param connectTimeoutSeconds  upstream connect timeout
 * @param requestTimeoutSeconds  upstream response-headers timeout, and the longest silence between chunks
 * @param httpThreads            most proxy worker threads (request bodies, and with an https upstream one per open
 *                               request); 0 picks {@link #effectiveHttpThreads()}
 * @param forwardThreads         threads that read plain-HTTP upstream responses and pass them on; 0 picks
 *                               the available processors, at most 4
 */
public record ProxyConfig(
        @JsonProperty("host") String host,
        @JsonProperty("port") int port,
        @JsonProperty("upstream") String upstream,
        @JsonProperty("max_models") int maxModels,
        @JsonProperty("connect_timeout_seconds") double connectTimeoutSeconds,
        @JsonProperty("request_timeout_seconds") double requestTimeoutSeconds,
        @JsonProperty("http_threads") int httpThreads,
        @JsonProperty("forward_threads") int forwardThreads) {

    public ProxyConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(upstream != null && !upstream.isBlank(), "upstream is required (e.g. http://127.0.0.1:8000)");
        URI u;
        try {
            u = URI.create(upstream.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("proxy config: upstream is not a URL: " + upstream);
        }
        require(
                "http".equals(u.getScheme()) || "https".equals(u.getScheme()),
                "upstream must be an http:// or https:// URL, got " + upstream);
        require(u.getHost() != null, "upstream has no host: " + upstream);
        upstream = upstream.strip().replaceAll("/+$", "");
        require(maxModels >= 1 && maxModels <= 1000, "max_models must be 1..1000");
        require(connectTimeoutSeconds > 0, "connect_timeout_seconds must be > 0");
        require(requestTimeoutSeconds > 0, "request_timeout_seconds must be > 0");
        require(httpThreads == 0 || httpThreads >= 8, "http_threads must be 0 (automatic) or >= 8");
        require(
                forwardThreads >= 0 && forwardThreads <= 64,
                "forward_threads must be 0..64 (0: automatic), got " + forwardThreads);
    }

    /**
     * The worker thread cap: {@link #httpThreads} or, when 0, 1,200 for an https upstream (a blocking
     * client, one thread per open request) and 64 for plain HTTP, where a worker only reads the request
     * body and hands the exchange to a forward loop. The cap bounds memory at thousands of streams: a
     * burst of 1,000 requests otherwise grew the pool by a thread per request (129 threads, 2026-12-08);
     * requests beyond it wait in Jetty's queue for a few microseconds each.
     */
    public int effectiveHttpThreads() {
        if (httpThreads > 0) {
            return httpThreads;
        }
        return upstream.startsWith("https:") ? 1200 : 64;
    }

    /** The forward threads to start: {@link #forwardThreads} or, when 0, the available processors up to 4. */
    public int effectiveForwardThreads() {
        return forwardThreads > 0
                ? forwardThreads
                : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Listens on 127.0.0.1:8001, forwards to {@code upstream}; 20 model labels; 5 s connect, 600 s request
     * timeouts; automatic thread counts.
     */
    public static ProxyConfig defaults(String upstream) {
        return new ProxyConfig("127.0.0.1", 8001, upstream, 20, 5, 600, 0, 0);
    }

    /** Jackson entry point: keys left out take their {@link #defaults(String)} value; {@code upstream} is required. */
    @JsonCreator
    public static ProxyConfig fromYaml(
            @JsonProperty("host") String host,
            @JsonProperty("port") Integer port,
            @JsonProperty("upstream") String upstream,
            @JsonProperty("max_models") Integer maxModels,
            @JsonProperty("connect_timeout_seconds") Double connectTimeoutSeconds,
            @JsonProperty("request_timeout_seconds") Double requestTimeoutSeconds,
            @JsonProperty("http_threads") Integer httpThreads,
            @JsonProperty("forward_threads") Integer forwardThreads) {
        ProxyConfig d = defaults(upstream);
        return new ProxyConfig(
                host == null ? d.host : host,
                port == null ? d.port : port,
                upstream,
                maxModels == null ? d.maxModels : maxModels,
                connectTimeoutSeconds == null ? d.connectTimeoutSeconds : connectTimeoutSeconds,
                requestTimeoutSeconds == null ? d.requestTimeoutSeconds : requestTimeoutSeconds,
                httpThreads == null ? d.httpThreads : httpThreads,
                forwardThreads == null ? d.forwardThreads : forwardThreads);
    }

    public ProxyConfig withListen(String h, int p) {
        return new ProxyConfig(
                h, p, upstream, maxModels, connectTimeoutSeconds, requestTimeoutSeconds, httpThreads, forwardThreads);
    }

    public ProxyConfig withMaxModels(int n) {
        return new ProxyConfig(
                host, port, upstream, n, connectTimeoutSeconds, requestTimeoutSeconds, httpThreads, forwardThreads);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("proxy config: " + message);
        }
    }
}
