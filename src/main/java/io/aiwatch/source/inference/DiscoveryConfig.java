package io.aiwatch.source.inference;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.config.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code inference.discovery:} section: find vLLM servers on this node without a URL list.
 *
 * <pre>
 * inference:
 *   discovery:
 *     enabled: true              # default false
 *     processes: true            # local listeners of processes whose command line matches
 *     process_pattern: vllm      # regex searched in /proc/PID/cmdline (arguments joined by spaces)
 *     pods: auto                 # auto (= kubernetes.enabled), true or false: pods of this node by annotation
 *     annotations: [aiwatch.io/vllm-metrics-port, prometheus.io/port]
 *     refresh_interval: 30s      # how often the node is searched again, in the background
 *     max_targets: 16            # bound on discovered targets; more are reported, not scraped
 *     probe_timeout: 1s          # bound on one GET /metrics of a candidate
 *     scrape_interval: 5s        # interval of each discovered target's collector
 * </pre>
 *
 * <p>A candidate becomes a target only when its {@code GET /metrics} shows a {@code vllm:}
 * family, so other servers of a matching process (or other annotated pods) are left alone.
 */
public record DiscoveryConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("processes") Boolean processes,
        @JsonProperty("process_pattern") String processPattern,
        @JsonProperty("pods") String pods,
        @JsonProperty("annotations") List<String> annotations,
        @JsonProperty("refresh_interval") String refreshInterval,
        @JsonProperty("max_targets") Integer maxTargets,
        @JsonProperty("probe_timeout") String probeTimeout,
        @JsonProperty("scrape_interval") String scrapeInterval,
        @JsonProperty("api_server") String apiServer) {

    /** The aiwatch annotation: the port of the pod's vLLM /metrics (path /metrics). */
    public static final String AIWATCH_ANNOTATION = "aiwatch.io/vllm-metrics-port";

    public DiscoveryConfig {
        enabled = enabled != null && enabled;
        processes = processes == null || processes;
        processPattern = processPattern == null ? "vllm" : processPattern;
        pods = pods == null ? "auto" : pods;
        annotations =
                annotations == null ? List.of(AIWATCH_ANNOTATION, "prometheus.io/port") : List.copyOf(annotations);
        refreshInterval = refreshInterval == null ? "30s" : refreshInterval;
        maxTargets = maxTargets == null ? 16 : maxTargets;
        probeTimeout = probeTimeout == null ? "1s" : probeTimeout;
        scrapeInterval = scrapeInterval == null ? "5s" : scrapeInterval;
        try {
            Pattern.compile(processPattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "inference.discovery.process_pattern is not a regular expression: " + e.getDescription());
        }
        if (!pods.equals("auto") && !pods.equals("true") && !pods.equals("false")) {
            throw new IllegalArgumentException("inference.discovery.pods must be auto, true or false, not " + pods);
        }
        if (maxTargets < 1 || maxTargets > 256) {
            throw new IllegalArgumentException("inference.discovery.max_targets must be 1 to 256");
        }
        between("refresh_interval", refreshInterval, Duration.ofSeconds(1), Duration.ofHours(1));
        between("probe_timeout", probeTimeout, Duration.ofMillis(50), Duration.ofSeconds(30));
        between("scrape_interval", scrapeInterval, Duration.ofMillis(100), Duration.ofHours(1));
    }

    public static DiscoveryConfig defaults() {
        return new DiscoveryConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /** A copy that is on, other settings unchanged. */
    public DiscoveryConfig withEnabled(boolean value) {
        return new DiscoveryConfig(
                value,
                processes,
                processPattern,
                pods,
                annotations,
                refreshInterval,
                maxTargets,
                probeTimeout,
                scrapeInterval,
                apiServer);
    }

    /** Whether pods are searched, given whether the daemon runs with {@code kubernetes.enabled} ({@code -k}). */
    public boolean podsOn(boolean kubernetesEnabled) {
        return pods.equals("true") || pods.equals("auto") && kubernetesEnabled;
    }

    public Duration refresh() {
        return DurationText.parse(refreshInterval);
    }

    public Duration probe() {
        return DurationText.parse(probeTimeout);
    }

    public Duration scrape() {
        return DurationText.parse(scrapeInterval);
    }

    private static void between(String key, String text, Duration min, Duration max) {
        Duration d;
        try {
            d = DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "inference.discovery." + key + " '" + text + "' must look like 500ms, 5s or 1m");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("inference.discovery." + key + " must be between " + min.toMillis()
                    + " ms and " + max.toSeconds() + " s");
        }
    }
}
