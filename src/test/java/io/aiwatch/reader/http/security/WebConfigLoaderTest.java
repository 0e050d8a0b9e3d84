package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebConfigLoaderTest {
    static TestPki.Issued ca;
    static TestPki.Issued server;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("test-ca");
        server = TestPki.leaf(ca, "server");
    }

    private Path write(String yaml) throws Exception {
        server.write(dir.resolve("server.crt"), dir.resolve("server.key"));
        Files.writeString(dir.resolve("ca.crt"), ca.certPem());
        Path f = dir.resolve("web.yml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void loadsTlsWithRelativePathsAndDefaults() throws Exception {
        LoadedWebConfig c = WebConfigLoader.load(write("""
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                basic_auth_users:
                  alice: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze
                """));
        assertThat(c.tls()).isNotNull();
        assertThat(c.tls().options().minVersion()).isEqualTo(WebConfig.TlsVersion.TLS12);
        assertThat(c.tls().options().maxVersion()).isEqualTo(WebConfig.TlsVersion.TLS13);
        assertThat(c.tls().options().clientAuthType()).isEqualTo(WebConfig.ClientAuth.NO_CLIENT_CERT);
        assertThat(c.tls().chain().get(0)).isEqualTo(server.cert());
        assertThat(c.watched())
                .containsExactly(dir.resolve("web.yml"), dir.resolve("server.crt"), dir.resolve("server.key"));
        assertThat(c.config().basicAuthUsers()).containsOnlyKeys("alice");
        assertThat(c.toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void emptyFileMeansPlainHttpWithoutAuth() throws Exception {
        LoadedWebConfig c = WebConfigLoader.load(write("\n"));
        assertThat(c.tls()).isNull();
        assertThat(c.config().basicAuthUsers()).isEmpty();
    }

    @Test
    void refusesUnknownKeysWithFileAndLine() throws Exception {
        Path f = write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  ciphers: [x]\n");
        assertThatThrownBy(() -> WebConfigLoader.load(f))
                .isInstanceOf(WebConfigException.class)
                .hasMessageContaining(f + ":4:")
                .hasMessageContaining("unknown key \"ciphers\"");
        Path g = write("basic_auth_user:\n  a: b\n");
        assertThatThrownBy(() -> WebConfigLoader.load(g))
                .hasMessageContaining(g + ":1:")
                .hasMessageContaining("basic_auth_user");
    }

    @Test
    void refusesBadEnumsWithLine() throws Exception {
        Path f = write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14\n");
        assertThatThrownBy(() -> WebConfigLoader.load(f))
                .hasMessageContaining(f + ":4:")
                .hasMessageContaining("TLS14");
        Path g = write(
                "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Sometimes\n");
        assertThatThrownBy(() -> WebConfigLoader.load(g))
                .hasMessageContaining(g + ":4:")
                .hasMessageContaining("invalid ClientAuth");
    }

    @Test
    void acceptsEveryClientAuthTypeAndTheLegacyAlias() throws Exception {
        for (String t :
                new String[] {"NoClientCert", "RequestClientCert", "RequireAnyClientCert", "RequireClientCert"}) {
            assertThat(WebConfigLoader.load(
                                    write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                                            + "  client_auth_type: " + t + "\n"))
                            .tls())
                    .isNotNull();
        }
        for (String t : new String[] {"VerifyClientCertIfGiven", "RequireAndVerifyClientCert"}) {
            var c = WebConfigLoader.load(write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                    + "  client_auth_type: " + t + "\n  client_ca_file: ca.crt\n"));
            assertThat(c.tls().clientCas()).containsExactly(ca.cert());
            assertThat(c.tls().options().clientAuthType().verifies()).isTrue();
        }
    }

    @Test
    void refusesInconsistentTls() throws Exception {
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                                + "  client_ca_file: ca.crt\n")))
                .hasMessageContaining("without a Client Auth Policy");
        assertThatThrownBy(() -> WebConfigLoader.load(write("tls_server_config:\n  cert_file: server.crt\n")))
                .hasMessageContaining("missing one of key or key_file");
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n")))
                .hasMessageContaining(dir.resolve("nope.crt").toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                                + "  client_auth_type: RequireAndVerifyClientCert\n")))
                .hasMessageContaining("needs client_ca_file");
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                                + "  min_version: TLS13\n  max_version: TLS12\n")))
                .hasMessageContaining("above max_version");
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("tls_server_config:\n  cert_file: server.crt\n  key_file: ca.crt\n")))
                .hasMessageContaining("no PEM private key block");
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                                + "  cipher_suites: [TLS_MADE_UP]\n")))
                .hasMessageContaining("TLS_MADE_UP");
    }

    @Test
    void refusesBadHashesAndHeaders() throws Exception {
        assertThatThrownBy(() -> WebConfigLoader.load(write("basic_auth_users:\n  bob: plaintext\n")))
                .hasMessageContaining("user \"bob\": not a bcrypt hash")
                .hasMessageNotContaining("plaintext");
        assertThatThrownBy(() -> WebConfigLoader.load(write("basic_auth_users:\n  bob:\n")))
                .hasMessageContaining("user \"bob\": not a bcrypt hash");
        assertThatThrownBy(() -> WebConfigLoader.load(write("http_server_config:\n  headers:\n    X-Frame-Options:\n")))
                .hasMessageContaining("X-Frame-Options");
        assertThatThrownBy(() -> WebConfigLoader.load(write("basic_auth_users:\n  bob: $1$abc$def\n")))
                .hasMessageContaining("not a bcrypt hash");
        assertThatThrownBy(() -> WebConfigLoader.load(write("http_server_config:\n  headers:\n    X-Evil: 1\n")))
                .hasMessageContaining("HTTP header \"X-Evil\" can not be configured");
        assertThatThrownBy(() ->
                        WebConfigLoader.load(write("http_server_config:\n  headers:\n    X-Frame-Options: allow\n")))
                .hasMessageContaining("X-Frame-Options");
        assertThatThrownBy(() -> WebConfigLoader.load(
                        write("basic_auth_users:\n  a: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n"
                                + "  a: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n")))
                .hasMessageContaining("Duplicate");
    }

    @Test
    void readsInlinePemAndTraditionalKeyFormats() throws Exception {
        TestPki.Issued rsa = TestPki.leaf(
                ca,
                "rsa",
                TestPki.rsaKeys(),
                java.time.Instant.now().minusSeconds(60),
                java.time.Instant.now().plusSeconds(3600));
        for (TestPki.Issued leaf : new TestPki.Issued[] {server, rsa}) {
            assertThat(leaf.traditionalKeyPem()).containsPattern("BEGIN (EC|RSA) PRIVATE KEY");
            String yaml = "tls_server_config:\n  cert: |\n" + indent(leaf.certPem()) + "  key: |\n"
                    + indent(leaf.traditionalKeyPem());
            LoadedWebConfig c = WebConfigLoader.load(write(yaml));
            String alg = leaf == rsa ? "SHA256withRSA" : "SHA256withECDSA";
            java.security.Signature sig = java.security.Signature.getInstance(alg);
            sig.initSign(c.tls().key());
            sig.update(new byte[] {1, 2, 3});
            byte[] signed = sig.sign();
            sig.initVerify(leaf.cert().getPublicKey());
            sig.update(new byte[] {1, 2, 3});
            assertThat(sig.verify(signed))
                    .as("parsed key pairs with the certificate")
                    .isTrue();
        }
    }

    @Test
    void explainsAnEcKeyWithoutCurve() throws Exception {
        String yaml = "tls_server_config:\n  cert: |\n" + indent(server.certPem()) + "  key: |\n"
                + indent(server.curvelessKeyPem());
        Path f = write(yaml);
        assertThatThrownBy(() -> WebConfigLoader.load(f))
                .hasMessageContaining("without a named curve")
                .hasMessageNotContaining(
                        server.curvelessKeyPem().lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void parsesRateLimitAndGoDurations() throws Exception {
        assertThat(WebConfigLoader.load(write("rate_limit:\n  interval: 250ms\n  burst: 5\n"))
                        .rateLimitInterval())
                .isEqualTo(Duration.ofMillis(250));
        // Go's compound spelling, as exporter-toolkit reads it (the syntax itself: DurationTextTest).
        assertThat(WebConfigLoader.load(write("rate_limit:\n  interval: 1m30s\n  burst: 5\n"))
                        .rateLimitInterval())
                .isEqualTo(Duration.ofSeconds(90));
        for (String bad : new String[] {"s", "10"}) {
            assertThatThrownBy(() -> WebConfigLoader.load(write("rate_limit:\n  interval: " + bad + "\n  burst: 5\n")))
                    .hasMessageContaining("rate_limit.interval: not a duration");
        }
        assertThatThrownBy(() -> WebConfigLoader.load(write("rate_limit:\n  interval: 1s\n")))
                .hasMessageContaining("burst");
    }

    private static String indent(String pem) {
        return pem.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
    }
}
