package io.aiwatch.reader.http.security;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A validated web-config with its files read: what the server actually runs with.
 *
 * @param source      the web-config file, or null for the built-in defaults
 * @param config      the file as written
 * @param tls         key material and TLS settings; null when TLS is off
 * @param watched     the files whose content decides this config (web-config, cert, key, CA)
 * @param fingerprint SHA-256 over the watched files' content; a change means reload
 * @param rateLimitInterval time per token of the rate limit; {@link Duration#ZERO} disables it
 */
record LoadedWebConfig(
        Path source, WebConfig config, Tls tls, List<Path> watched, String fingerprint, Duration rateLimitInterval) {

    /** Key, chain, trusted client CAs and the TLS options that go into the SSL context. */
    record Tls(
            PrivateKey key,
            List<X509Certificate> chain,
            List<X509Certificate> clientCas,
            WebConfig.TlsServerConfig options) {
        /** Never shows the key. */
        @Override
        public String toString() {
            return "Tls[subject=" + chain.get(0).getSubjectX500Principal() + ", clientCas=" + clientCas.size()
                    + ", options=" + options + "]";
        }
    }

    static LoadedWebConfig defaults() {
        return new LoadedWebConfig(null, WebConfig.defaults(), null, List.of(), "", Duration.ZERO);
    }
}
