package io.aiwatch.reader.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.collect.Labels;
import io.aiwatch.config.DurationText;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code alerting:} section of the daemon config.
 *
 * <pre>
 * alerting:
 *   rule_files: [/etc/aiwatch/alerts/*.yml]   # paths or globs; none = alerting off
 *   evaluation_interval: 1s                   # default for groups without interval:
 *   lookback_delta: 5m                        # instant-selector lookback
 *   alertmanagers:
 *     - url: http://127.0.0.1:9093
 *   resend_delay: 1m
 *   queue_capacity: 10000                     # per Alertmanager
 *   max_series: 50000                         # series kept for evaluation
 *   external_labels: {cluster: a}
 *   external_url: http://gpu-node-1:9400      # generatorURL base; omitted when absent
 *   target_labels: {instance: 'gpu-node-1:9400', job: aiwatch}
 *                                             # added to every sample the daemon evaluates, as
 *                                             # Prometheus adds its target labels on scrape, so the
 *                                             # daemon's alerts carry the same labels as Prometheus'
 * </pre>
 */
public record AlertingConfig(
        List<String> ruleFiles,
        Duration evaluationInterval,
        Duration lookbackDelta,
        List<URI> alertmanagers,
        Duration resendDelay,
        int queueCapacity,
        int maxSeries,
        Map<String, String> externalLabels,
        String externalUrl,
        Map<String, String> targetLabels) {

    public AlertingConfig {
        ruleFiles = List.copyOf(ruleFiles);
        alertmanagers = List.copyOf(alertmanagers);
        externalLabels = Map.copyOf(externalLabels);
        targetLabels = Map.copyOf(targetLabels);
    }

    @JsonCreator
    public static AlertingConfig of(
            @JsonProperty("rule_files") List<String> ruleFiles,
            @JsonProperty("evaluation_interval") String evaluationInterval,
            @JsonProperty("lookback_delta") String lookbackDelta,
            @JsonProperty("alertmanagers") List<Target> alertmanagers,
            @JsonProperty("resend_delay") String resendDelay,
            @JsonProperty("queue_capacity") Integer queueCapacity,
            @JsonProperty("max_series") Integer maxSeries,
            @JsonProperty("external_labels") Map<String, String> externalLabels,
            @JsonProperty("external_url") String externalUrl,
            @JsonProperty("target_labels") Map<String, String> targetLabels) {
        Duration every = evaluationInterval == null ? Duration.ofSeconds(1) : DurationText.parse(evaluationInterval);
        if (every.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("alerting.evaluation_interval must be at least 100ms");
        }
        Duration resend = resendDelay == null ? Duration.ofMinutes(1) : DurationText.parse(resendDelay);
        int capacity = queueCapacity == null ? 10_000 : queueCapacity;
        int series = maxSeries == null ? 50_000 : maxSeries;
        if (capacity < 1 || series < 1) {
            throw new IllegalArgumentException("alerting.queue_capacity and alerting.max_series must be positive");
        }
        Map<String, String> ext = externalLabels == null ? Map.of() : externalLabels;
        checkLabels("external_labels", ext);
        Map<String, String> target = targetLabels == null ? Map.of() : targetLabels;
        checkLabels("target_labels", target);
        List<URI> urls = alertmanagers == null
                ? List.of()
                : alertmanagers.stream().map(Target::url).toList();
        java.util.Set<String> hosts = new java.util.HashSet<>();
        for (URI u : urls) {
            if (!hosts.add(u.getHost() + ":" + u.getPort())) {
                throw new IllegalArgumentException("alerting.alertmanagers: " + u.getHost() + ":" + u.getPort()
                        + " is listed twice (the alertmanager label is host:port)");
            }
        }
        return new AlertingConfig(
                ruleFiles == null ? List.of() : ruleFiles,
                every,
                lookbackDelta == null ? Duration.ofMinutes(5) : DurationText.parse(lookbackDelta),
                urls,
                resend,
                capacity,
                series,
                ext,
                externalUrl,
                target);
    }

    private static void checkLabels(String key, Map<String, String> labels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!Labels.isValidLabelName(e.getKey())
                    || e.getValue() == null
                    || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("alerting." + key + ": '" + e.getKey()
                        + "' needs a name matching [a-zA-Z_][a-zA-Z0-9_]* and a non-empty value");
            }
        }
    }

    /** Alerting off: no rule files, no Alertmanagers. */
    public static AlertingConfig defaults() {
        return of(null, null, null, null, null, null, null, null, null, null);
    }

    public boolean enabled() {
        return !ruleFiles.isEmpty();
    }

    /** One Alertmanager: its base URL ({@code /api/v2/alerts} is appended). */
    public record Target(URI url) {
        @JsonCreator
        public static Target of(@JsonProperty("url") String url) {
            if (url == null) {
                throw new IllegalArgumentException("alerting.alertmanagers: each entry needs a url");
            }
            URI u = URI.create(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("alerting.alertmanagers: '" + url + "' is not an http(s) URL");
            }
            if (u.getUserInfo() != null) {
                throw new IllegalArgumentException("alerting.alertmanagers: credentials in the URL are not supported");
            }
            return new Target(u);
        }
    }
}
