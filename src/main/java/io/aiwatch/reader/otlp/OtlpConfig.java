package io.aiwatch.reader.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code otlp:} section of the daemon config, as written. Every key is optional; a key left
 * out falls back to the standard {@code OTEL_*} environment variable, then to the default
 * ({@link OtlpSettings#resolve}). Values are kept as text here and validated there, so an error
 * names the key and where the value came from.
 *
 * <pre>
 * otlp:
 *   enabled: true
 *   endpoint: http://collector:4318        # http/protobuf: /v1/metrics is added to a bare URL
 *   protocol: http/protobuf                # or grpc
 *   headers: {authorization: "Bearer ..."} # never logged
 *   interval: 15s
 *   timeout: 10s
 *   compression: gzip                      # or none
 *   resource_attributes: {deployment.environment.name: prod}
 * </pre>
 *
 * @param enabled            push metrics over OTLP; default false
 * @param endpoint           collector URL (http:// or https://)
 * @param protocol           {@code http/protobuf} or {@code grpc}
 * @param headers            extra request headers (for example an authorization token)
 * @param interval           time between exports
 * @param timeout            limit for one export attempt
 * @param compression        {@code gzip} or {@code none}
 * @param resourceAttributes extra resource attributes; override the detected ones
 */
public record OtlpConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("protocol") String protocol,
        @JsonProperty("headers") Map<String, String> headers,
        @JsonProperty("interval") String interval,
        @JsonProperty("timeout") String timeout,
        @JsonProperty("compression") String compression,
        @JsonProperty("resource_attributes") Map<String, String> resourceAttributes) {

    public OtlpConfig {
        headers = headers == null ? Map.of() : copy(headers, "otlp.headers");
        resourceAttributes =
                resourceAttributes == null ? Map.of() : copy(resourceAttributes, "otlp.resource_attributes");
        // The file's own values are checked when it is loaded (file:line); environment values at start.
        OtlpSettings.check(endpoint, protocol, headers, interval, timeout, compression);
    }

    /** Off, every other key unset. */
    public static OtlpConfig defaults() {
        return new OtlpConfig(null, null, null, null, null, null, null, null);
    }

    public boolean isEnabled() {
        return Boolean.TRUE.equals(enabled);
    }

    public OtlpConfig withEnabled(boolean value) {
        return new OtlpConfig(value, endpoint, protocol, headers, interval, timeout, compression, resourceAttributes);
    }

    public OtlpConfig withEndpoint(String value, String protocolName) {
        return new OtlpConfig(
                enabled, value, protocolName, headers, interval, timeout, compression, resourceAttributes);
    }

    public OtlpConfig withInterval(String value) {
        return new OtlpConfig(enabled, endpoint, protocol, headers, value, timeout, compression, resourceAttributes);
    }

    public OtlpConfig withHeaders(Map<String, String> value) {
        return new OtlpConfig(enabled, endpoint, protocol, value, interval, timeout, compression, resourceAttributes);
    }

    /** Header values are secrets: only the names are shown. */
    @Override
    public String toString() {
        return "OtlpConfig[enabled=" + enabled + ", endpoint=" + endpoint + ", protocol=" + protocol
                + ", headers=" + headers.keySet() + ", interval=" + interval + ", timeout=" + timeout
                + ", compression=" + compression + ", resource_attributes=" + resourceAttributes + "]";
    }

    private static Map<String, String> copy(Map<String, String> in, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException(where + ": empty key");
            }
            if (v == null) {
                throw new IllegalArgumentException(where + "." + k + ": empty value");
            }
            out.put(k, v);
        });
        return Map.copyOf(out);
    }
}
