package io.aiwatch.reader.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.reader.http.security.HardeningConfig;

/**
 * The {@code http:} section.
 *
 * @param webConfigFile exporter-toolkit web-config file (TLS, mTLS, basic auth, headers); null for plain HTTP
 * @param hardening     server limits: timeouts, sizes, connection and scrape caps
 * @param unauthenticatedPaths paths answered without basic auth (e.g. {@code /health}, {@code /ready} for
 *                      Kubernetes probes, which cannot send credentials); empty by default
 */
public record HttpConfig(
        @JsonProperty("web_config_file") String webConfigFile,
        @JsonProperty("hardening") HardeningConfig hardening,
        @JsonProperty("unauthenticated_paths") java.util.List<String> unauthenticatedPaths) {

    public HttpConfig {
        hardening = hardening == null ? HardeningConfig.defaults() : hardening;
        unauthenticatedPaths =
                unauthenticatedPaths == null ? java.util.List.of() : java.util.List.copyOf(unauthenticatedPaths);
        for (String p : unauthenticatedPaths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("unauthenticated_paths: '" + p + "' is not a path starting with /");
            }
        }
    }

    public static HttpConfig defaults() {
        return new HttpConfig(null, null, null);
    }

    public HttpConfig withWebConfigFile(String file) {
        return new HttpConfig(file, hardening, unauthenticatedPaths);
    }

    public HttpConfig withUnauthenticatedPaths(java.util.List<String> paths) {
        return new HttpConfig(webConfigFile, hardening, paths);
    }
}
