package io.aiwatch.reader.otlp;

import io.aiwatch.config.DurationText;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The effective OTLP settings: the config file first, then the standard {@code OTEL_*} environment
 * variables, then defaults. The file wins because it is the reviewed, per-daemon intent, while
 * {@code OTEL_*} variables are often set node- or pod-wide for the applications next to aiwatch
 * (a vLLM container's own collector endpoint, for example). Signal-specific variables
 * ({@code OTEL_EXPORTER_OTLP_METRICS_*}) win over the generic ones, as the OTel spec says.
 *
 * @param protocol    wire protocol
 * @param endpoint    full URL the exporter posts to (http/protobuf: including {@code /v1/metrics})
 * @param headers     request headers; values are secrets and never printed
 * @param interval    time between exports
 * @param timeout     limit for one export attempt (the SDK retries up to 5 attempts with backoff)
 * @param gzip        compress request bodies
 */
public record OtlpSettings(
        Protocol protocol,
        URI endpoint,
        Map<String, String> headers,
        Duration interval,
        Duration timeout,
        boolean gzip) {
    /** The default push interval; the OTel spec's is 60 s, GPU dashboards usually want finer. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    /** The OTel exporter default (OTEL_EXPORTER_OTLP_TIMEOUT = 10000 ms). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** OTLP transports this exporter speaks. */
    public enum Protocol {
        HTTP_PROTOBUF("http/protobuf", "http://localhost:4318/v1/metrics"),
        GRPC("grpc", "http://localhost:4317");

        private final String text;
        private final String defaultEndpoint;

        Protocol(String text, String defaultEndpoint) {
            this.text = text;
            this.defaultEndpoint = defaultEndpoint;
        }

        public String text() {
            return text;
        }

        static Protocol parse(String value, String source) {
            for (Protocol p : values()) {
                if (p.text.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException(
                    source + ": protocol '" + value + "' is not supported; use http/protobuf or grpc");
        }
    }

    public OtlpSettings {
        headers = Map.copyOf(headers);
    }

    /**
     * Resolves {@code config} against {@code env} (normally {@link System#getenv()}).
     *
     * @throws IllegalArgumentException naming the key or variable whose value is wrong (never a header value)
     */
    public static OtlpSettings resolve(OtlpConfig config, Map<String, String> env) {
        return resolve(
                config.endpoint(),
                config.protocol(),
                config.headers(),
                config.interval(),
                config.timeout(),
                config.compression(),
                env);
    }

    /** Validates a config section's own values (no environment); used when the file is loaded. */
    static void check(
            String endpoint,
            String protocol,
            Map<String, String> headers,
            String interval,
            String timeout,
            String compression) {
        resolve(endpoint, protocol, headers, interval, timeout, compression, Map.of());
    }

    private static OtlpSettings resolve(
            String configEndpoint,
            String configProtocol,
            Map<String, String> configHeaders,
            String configInterval,
            String configTimeout,
            String configCompression,
            Map<String, String> env) {
        Source protocolText = pick(
                configProtocol,
                "otlp.protocol",
                env,
                "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
                "OTEL_EXPORTER_OTLP_PROTOCOL");
        Protocol protocol =
                protocolText == null ? Protocol.HTTP_PROTOBUF : Protocol.parse(protocolText.value, protocolText.name);

        URI endpoint;
        if (configEndpoint != null) {
            endpoint = endpoint(configEndpoint, "otlp.endpoint", protocol, true);
        } else if (present(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")) {
            // The signal-specific variable is used as-is (spec).
            endpoint = endpoint(
                    env.get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                    protocol,
                    false);
        } else if (present(env, "OTEL_EXPORTER_OTLP_ENDPOINT")) {
            // The generic one is a base URL: http/protobuf appends the signal path (spec).
            String base = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
            String url = protocol == Protocol.HTTP_PROTOBUF ? base.replaceAll("/+$", "") + "/v1/metrics" : base;
            endpoint = endpoint(url, "OTEL_EXPORTER_OTLP_ENDPOINT", protocol, false);
        } else {
            endpoint = URI.create(protocol.defaultEndpoint);
        }

        Map<String, String> headers = new LinkedHashMap<>();
        headers.putAll(parseHeaders(env.get("OTEL_EXPORTER_OTLP_HEADERS"), "OTEL_EXPORTER_OTLP_HEADERS"));
        headers.putAll(
                parseHeaders(env.get("OTEL_EXPORTER_OTLP_METRICS_HEADERS"), "OTEL_EXPORTER_OTLP_METRICS_HEADERS"));
        headers.putAll(configHeaders);

        Duration interval = configInterval != null
                ? duration(configInterval, "otlp.interval")
                : present(env, "OTEL_METRIC_EXPORT_INTERVAL")
                        ? millis(env, "OTEL_METRIC_EXPORT_INTERVAL")
                        : DEFAULT_INTERVAL;
        within(interval, Duration.ofMillis(100), Duration.ofHours(1), "interval");
        Source timeoutMs = pick(null, null, env, "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
        Duration timeout = configTimeout != null
                ? duration(configTimeout, "otlp.timeout")
                : timeoutMs != null ? millis(env, timeoutMs.name) : DEFAULT_TIMEOUT;
        within(timeout, Duration.ofMillis(100), Duration.ofMinutes(1), "timeout");

        Source compression = pick(
                configCompression,
                "otlp.compression",
                env,
                "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
                "OTEL_EXPORTER_OTLP_COMPRESSION");
        boolean gzip = false;
        if (compression != null) {
            gzip = switch (compression.value.trim().toLowerCase(Locale.ROOT)) {
                case "gzip" -> true;
                case "none" -> false;
                default ->
                    throw new IllegalArgumentException(compression.name + ": compression '" + compression.value
                            + "' is not supported; use gzip or none");
            };
        }
        return new OtlpSettings(protocol, endpoint, headers, interval, timeout, gzip);
    }

    /** Header values are secrets: only the names are shown. */
    @Override
    public String toString() {
        return protocol.text + " " + endpoint + " every " + DurationText.format(interval) + ", timeout "
                + DurationText.format(timeout) + (gzip ? ", gzip" : "") + ", headers " + headers.keySet();
    }

    private record Source(String value, String name) {}

    private static Source pick(String configValue, String configName, Map<String, String> env, String... vars) {
        if (configValue != null) {
            return new Source(configValue, configName);
        }
        for (String v : vars) {
            if (present(env, v)) {
                return new Source(env.get(v), v);
            }
        }
        return null;
    }

    private static boolean present(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static URI endpoint(String text, String source, Protocol protocol, boolean addPath) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(source + ": '" + text + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    source + ": '" + text + "' must be an http:// or https:// URL with a host");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException(source + ": put credentials in otlp.headers, not in the URL");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (addPath && protocol == Protocol.HTTP_PROTOBUF && (path.isEmpty() || path.equals("/"))) {
            return URI.create(scheme + "://" + uri.getRawAuthority() + "/v1/metrics");
        }
        return uri;
    }

    /** W3C-baggage-like {@code key=value,key2=value2} with URL-encoded values (OTel spec). */
    static Map<String, String> parseHeaders(String text, String source) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        int i = 0;
        for (String entry : text.split(",")) {
            i++;
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                // The entry itself may be a secret: say where, not what.
                throw new IllegalArgumentException(source + ": entry " + i + " is not key=value");
            }
            String key = entry.substring(0, eq).trim();
            try {
                out.put(key, URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": value of header '" + key + "' is not URL-encoded");
            }
        }
        return out;
    }

    private static Duration duration(String text, String source) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    private static Duration millis(Map<String, String> env, String name) {
        try {
            return Duration.ofMillis(Long.parseLong(env.get(name).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + ": '" + env.get(name) + "' is not a whole number of milliseconds");
        }
    }

    private static void within(Duration d, Duration min, Duration max, String what) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("otlp " + what + " " + DurationText.format(d) + " must be between "
                    + DurationText.format(min) + " and " + DurationText.format(max));
        }
    }
}
