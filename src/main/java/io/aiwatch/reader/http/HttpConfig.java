package io.aiwatch.reader.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.reader.http.security.HardeningConfig;

/**
 * The {@code http:} section.
 *
 * @param webConfigFile exporter-toolkit web-config file (TLS, mTLS, basic auth, headers); null for plain HTTP
 * @param hardening     server limits: timeouts, sizes, connection and scrape caps
 */
public record HttpConfig(
        @JsonProperty("web_config_file") String webConfigFile,
        @JsonProperty("hardening") HardeningConfig hardening) {

    public HttpConfig {
        hardening = hardening == null ? HardeningConfig.defaults() : hardening;
    }

    public static HttpConfig defaults() {
        return new HttpConfig(null, null);
    }

    public HttpConfig withWebConfigFile(String file) {
        return new HttpConfig(file, hardening);
    }
}
