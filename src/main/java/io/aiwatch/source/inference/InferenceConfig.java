package io.aiwatch.source.inference;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.config.DurationText;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code inference:} section of the daemon config: which vLLM {@code /metrics} endpoints to
 * scrape.
 *
 * <pre>
 * inference:
 *   targets:
 *     - url: http://127.0.0.1:8000/metrics
 *       name: llama-8b        # optional, default host:port
 *       interval: 5s          # optional, default 5s
 *       timeout: 3s           # optional, default min(3s, interval)
 *   discovery:                # optional: find vLLM servers on this node, see DiscoveryConfig
 *     enabled: true
 *   max_series_per_target: 50000   # optional: samples one scrape may hold (100..1000000)
 *   max_series_total: 200000       # optional: shared by all targets (100..10000000)
 * </pre>
 *
 * <p>The series budgets bound the memory ingestion can take whatever the targets send: a scrape
 * with more samples than its target's budget is parsed only up to the budget and then dropped
 * whole (reason {@code series_limit}). A target's budget is {@code max_series_per_target}, or
 * {@code max_series_total} divided by the number of targets when that is smaller. The defaults
 * fit the launcher's 96 MiB heap with every target at its budget at once (roughly 200 bytes a
 * sample while a scrape is parsed); a vLLM server writes 1,000 to 3,000 samples per engine.
 */
public record InferenceConfig(
        List<Target> targets, DiscoveryConfig discovery, int maxSeriesPerTarget, int maxSeriesTotal) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_SERIES_PER_TARGET = 50_000;
    public static final int DEFAULT_MAX_SERIES_TOTAL = 200_000;

    /** Just these targets, default budgets, no discovery. */
    public InferenceConfig(List<Target> targets) {
        this(targets, null, DEFAULT_MAX_SERIES_PER_TARGET, DEFAULT_MAX_SERIES_TOTAL);
    }

    @JsonCreator
    public static InferenceConfig of(
            @JsonProperty("targets") List<Target> targets,
            @JsonProperty("discovery") DiscoveryConfig discovery,
            @JsonProperty("max_series_per_target") Integer maxSeriesPerTarget,
            @JsonProperty("max_series_total") Integer maxSeriesTotal) {
        return new InferenceConfig(
                targets,
                discovery,
                maxSeriesPerTarget == null ? DEFAULT_MAX_SERIES_PER_TARGET : maxSeriesPerTarget,
                maxSeriesTotal == null ? DEFAULT_MAX_SERIES_TOTAL : maxSeriesTotal);
    }

    public InferenceConfig {
        targets = targets == null ? List.of() : List.copyOf(targets);
        discovery = discovery == null ? DiscoveryConfig.defaults() : discovery;
        if (maxSeriesPerTarget < 100 || maxSeriesPerTarget > 1_000_000) {
            throw new IllegalArgumentException(
                    "inference.max_series_per_target " + maxSeriesPerTarget + " must be between 100 and 1000000");
        }
        if (maxSeriesTotal < 100 || maxSeriesTotal > 10_000_000) {
            throw new IllegalArgumentException(
                    "inference.max_series_total " + maxSeriesTotal + " must be between 100 and 10000000");
        }
        Set<String> names = new HashSet<>();
        Set<URI> urls = new HashSet<>();
        for (Target t : targets) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("inference.targets: two targets are named '" + t.name() + "'");
            }
            if (!urls.add(t.url())) {
                throw new IllegalArgumentException("inference.targets: " + t.url() + " is listed twice");
            }
        }
    }

    /** The same budgets and discovery with other targets. */
    public InferenceConfig withTargets(List<Target> value) {
        return new InferenceConfig(value, discovery, maxSeriesPerTarget, maxSeriesTotal);
    }

    /** Samples one scrape of each target may hold: the smaller of the two budgets' shares. */
    public int budgetPerTarget() {
        return Math.min(maxSeriesPerTarget, maxSeriesTotal / Math.max(1, targets.size()));
    }

    /** No targets and no discovery: inference ingestion off. */
    public static InferenceConfig defaults() {
        return new InferenceConfig(List.of());
    }

    /** A copy with other discovery settings. */
    public InferenceConfig withDiscovery(DiscoveryConfig value) {
        return new InferenceConfig(targets, value, maxSeriesPerTarget, maxSeriesTotal);
    }

    /**
     * One scraped endpoint.
     *
     * @param url      http(s) URL of vLLM's metrics endpoint; an empty path means {@code /metrics}
     * @param name     the {@code target} label value: [A-Za-z0-9_.:-], at most 64 characters
     * @param interval time between scrapes
     * @param timeout  limit for one whole scrape (connect, headers and body)
     */
    public record Target(URI url, String name, Duration interval, Duration timeout) {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

        @JsonCreator
        public static Target of(
                @JsonProperty("url") String url,
                @JsonProperty("name") String name,
                @JsonProperty("interval") String interval,
                @JsonProperty("timeout") String timeout) {
            URI uri = parseUrl(url);
            String label = name != null
                    ? name
                    : uri.getHost() + ":"
                            + (uri.getPort() >= 0
                                    ? uri.getPort()
                                    : uri.getScheme().equals("https") ? 443 : 80);
            if (!NAME.matcher(label).matches()) {
                throw new IllegalArgumentException(
                        "inference target name '" + label + "' must be 1-64 characters of A-Z a-z 0-9 _ . : -");
            }
            Duration every = interval == null ? DEFAULT_INTERVAL : parseDuration("interval", interval);
            if (every.compareTo(Duration.ofMillis(100)) < 0 || every.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(
                        "inference target " + label + ": interval " + interval + " must be between 100ms and 1h");
            }
            Duration limit = timeout == null
                    ? (every.compareTo(DEFAULT_TIMEOUT) < 0 ? every : DEFAULT_TIMEOUT)
                    : parseDuration("timeout", timeout);
            if (limit.isZero() || limit.compareTo(every) > 0) {
                throw new IllegalArgumentException("inference target " + label + ": timeout " + timeout
                        + " must be positive and at most the interval (" + every.toMillis() + "ms)");
            }
            return new Target(uri, label, every, limit);
        }

        static URI parseUrl(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(
                        "inference target: url is required, e.g. http://127.0.0.1:8000/metrics");
            }
            URI uri;
            try {
                uri = new URI(url.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        "inference target url '" + url + "' is not a valid URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException(
                        "inference target url '" + url + "' must start with http:// or https://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("inference target url '" + url + "' has no host");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("inference target url must not carry credentials (user:password@)");
            }
            if (uri.getRawFragment() != null) {
                throw new IllegalArgumentException("inference target url '" + url + "' must not have a #fragment");
            }
            if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
                uri = uri.resolve("/metrics");
            }
            return uri;
        }

        static Duration parseDuration(String key, String text) {
            try {
                return DurationText.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "inference target " + key + " '" + text + "' must look like 500ms, 5s or 1m");
            }
        }
    }
}
