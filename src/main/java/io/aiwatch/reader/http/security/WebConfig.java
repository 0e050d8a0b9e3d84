package io.aiwatch.reader.http.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A web-config file in prometheus/exporter-toolkit's format ({@code --web.config.file}), as read.
 * Paths are as written; {@link WebConfigLoader} resolves them against the file's directory.
 *
 * @param tlsServerConfig  TLS settings; null when the file has none (plain HTTP)
 * @param httpServerConfig response headers and the HTTP/2 switch; null when absent
 * @param basicAuthUsers   user name to bcrypt hash; empty means no authentication
 * @param rateLimit        token bucket applied before authentication; null when absent
 */
public record WebConfig(
        @JsonProperty("tls_server_config") TlsServerConfig tlsServerConfig,
        @JsonProperty("http_server_config") HttpServerConfig httpServerConfig,
        @JsonProperty("basic_auth_users") Map<String, String> basicAuthUsers,
        @JsonProperty("rate_limit") RateLimitConfig rateLimit) {

    public WebConfig {
        basicAuthUsers = copyNullsAsEmpty(basicAuthUsers);
    }

    /** YAML {@code key:} with no value reads as null; keep the key so validation can name it. */
    static Map<String, String> copyNullsAsEmpty(Map<String, String> m) {
        if (m == null) {
            return Map.of();
        }
        java.util.LinkedHashMap<String, String> copy = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k == null ? "" : k, v == null ? "" : v));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** No TLS, no users, no headers: what runs without {@code --web.config.file}. */
    public static WebConfig defaults() {
        return new WebConfig(null, null, Map.of(), null);
    }

    public boolean tlsEnabled() {
        return tlsServerConfig != null && tlsServerConfig.configured();
    }

    public Map<String, String> headers() {
        return httpServerConfig == null ? Map.of() : httpServerConfig.headers();
    }

    @Override
    public String toString() {
        return "WebConfig[tls=" + tlsServerConfig + ", http=" + httpServerConfig + ", users=" + basicAuthUsers.keySet()
                + ", rateLimit=" + rateLimit + "]";
    }

    /** {@code tls_server_config}: inline PEM ({@code cert}, {@code key}, {@code client_ca}) or files. */
    public record TlsServerConfig(
            @JsonProperty("cert") String cert,
            @JsonProperty("key") String key,
            @JsonProperty("client_ca") String clientCa,
            @JsonProperty("cert_file") String certFile,
            @JsonProperty("key_file") String keyFile,
            @JsonProperty("client_auth_type") ClientAuth clientAuthType,
            @JsonProperty("client_ca_file") String clientCaFile,
            @JsonProperty("client_allowed_sans") List<String> clientAllowedSans,
            @JsonProperty("min_version") TlsVersion minVersion,
            @JsonProperty("max_version") TlsVersion maxVersion,
            @JsonProperty("cipher_suites") List<String> cipherSuites,
            @JsonProperty("prefer_server_cipher_suites") Boolean preferServerCipherSuites,
            @JsonProperty("curve_preferences") List<String> curvePreferences) {

        public TlsServerConfig {
            clientAuthType = clientAuthType == null ? ClientAuth.NO_CLIENT_CERT : clientAuthType;
            minVersion = minVersion == null ? TlsVersion.TLS12 : minVersion;
            maxVersion = maxVersion == null ? TlsVersion.TLS13 : maxVersion;
            clientAllowedSans = clientAllowedSans == null ? List.of() : List.copyOf(clientAllowedSans);
            cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
            preferServerCipherSuites = preferServerCipherSuites == null || preferServerCipherSuites;
            curvePreferences = curvePreferences == null ? List.of() : List.copyOf(curvePreferences);
        }

        /** exporter-toolkit's rule: TLS is on when any of cert, key, CA or client auth is set. */
        boolean configured() {
            return cert != null
                    || key != null
                    || certFile != null
                    || keyFile != null
                    || clientCa != null
                    || clientCaFile != null
                    || clientAuthType != ClientAuth.NO_CLIENT_CERT;
        }

        /** Never shows the inline key. */
        @Override
        public String toString() {
            return "TlsServerConfig[certFile=" + certFile + ", keyFile=" + keyFile + ", inlineCert=" + (cert != null)
                    + ", inlineKey=" + (key != null ? "<secret>" : "none") + ", clientAuthType=" + clientAuthType
                    + ", clientCaFile=" + clientCaFile + ", minVersion=" + minVersion + ", maxVersion=" + maxVersion
                    + "]";
        }
    }

    /** {@code http_server_config}. */
    public record HttpServerConfig(
            @JsonProperty("http2") Boolean http2,
            @JsonProperty("headers") Map<String, String> headers) {
        public HttpServerConfig {
            http2 = http2 == null || http2;
            headers = copyNullsAsEmpty(headers);
        }
    }

    /** {@code rate_limit}: {@code interval} is a Go duration ("1s", "250ms"); 0 or absent disables. */
    public record RateLimitConfig(
            @JsonProperty("interval") String interval,
            @JsonProperty("burst") Integer burst) {}

    /** TLS protocol versions, by their exporter-toolkit names. */
    public enum TlsVersion {
        TLS10("TLSv1"),
        TLS11("TLSv1.1"),
        TLS12("TLSv1.2"),
        TLS13("TLSv1.3");

        private final String javaName;

        TlsVersion(String javaName) {
            this.javaName = javaName;
        }

        /** The JSSE protocol name. */
        public String javaName() {
            return javaName;
        }

        @JsonCreator
        static TlsVersion parse(String s) {
            for (TlsVersion v : values()) {
                if (v.name().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException(
                    "unknown TLS version \"" + s + "\" (expected TLS10, TLS11, TLS12 or TLS13)");
        }
    }

    /** {@code client_auth_type}, with Go's crypto/tls meaning. */
    public enum ClientAuth {
        NO_CLIENT_CERT("NoClientCert"),
        REQUEST_CLIENT_CERT("RequestClientCert"),
        REQUIRE_ANY_CLIENT_CERT("RequireAnyClientCert"),
        VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven"),
        REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert");

        private final String configName;

        ClientAuth(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** Whether the client certificate is checked against {@code client_ca}. */
        public boolean verifies() {
            return this == VERIFY_CLIENT_CERT_IF_GIVEN || this == REQUIRE_AND_VERIFY_CLIENT_CERT;
        }

        /** Whether a handshake without a client certificate fails. */
        public boolean requires() {
            return this == REQUIRE_ANY_CLIENT_CERT || this == REQUIRE_AND_VERIFY_CLIENT_CERT;
        }

        @JsonCreator
        static ClientAuth parse(String s) {
            if (s == null || s.isEmpty()) {
                return NO_CLIENT_CERT;
            }
            if (s.equals("RequireClientCert")) { // exporter-toolkit's legacy alias
                return REQUIRE_ANY_CLIENT_CERT;
            }
            for (ClientAuth c : values()) {
                if (c.configName.equals(s)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(
                    "invalid ClientAuth: " + s + " (expected NoClientCert, RequestClientCert, "
                            + "RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
        }

        @Override
        public String toString() {
            return configName;
        }
    }
}
