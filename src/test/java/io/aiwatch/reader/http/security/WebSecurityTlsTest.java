package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against a Javalin server secured by {@link WebSecurity}. */
class WebSecurityTlsTest {
    static TestPki.Issued ca;
    static TestPki.Issued otherCa;
    static TestPki.Issued server;
    static TestPki.Issued client;
    static TestPki.Issued strangerClient;

    @TempDir
    Path dir;

    final AtomicLong nanos = new AtomicLong();

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("aiwatch-test-ca");
        otherCa = TestPki.ca("some-other-ca");
        server = TestPki.leaf(ca, "server");
        client = TestPki.leaf(ca, "client");
        strangerClient = TestPki.leaf(otherCa, "client");
    }

    private TestServer start(TestPki.Issued serverCert, String extraTls) throws Exception {
        serverCert.write(dir.resolve("server.crt"), dir.resolve("server.key"));
        Files.writeString(dir.resolve("ca.crt"), ca.certPem());
        Path web = dir.resolve("web.yml");
        Files.writeString(web, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extraTls);
        WebSecurity sec = WebSecurity.load(Optional.of(web), nanos::get, Duration.ofSeconds(1));
        return new TestServer(sec, HardeningConfig.defaults(), null);
    }

    private record Reply(int status, String body, Certificate[] serverCerts) {}

    private static Reply get(SSLContext ctx, String url) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setRequestProperty("Connection", "close");
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try {
            int status = c.getResponseCode();
            Certificate[] certs = c.getServerCertificates();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Reply(
                        status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8), certs);
            }
        } finally {
            c.disconnect();
        }
    }

    @Test
    void mutualTlsAdmitsOnlyClientsOfTheConfiguredCa() throws Exception {
        try (TestServer s =
                start(server, "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n")) {
            Reply ok = get(TestPki.client(ca, client, "TLSv1.3"), s.url("/metrics"));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"0\",UUID=\"GPU-1\"} 41");

            assertThatThrownBy(() -> get(TestPki.client(ca, strangerClient, "TLSv1.3"), s.url("/metrics")))
                    .as("certificate from another CA")
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(TestPki.client(ca, null, "TLSv1.3"), s.url("/metrics")))
                    .as("no client certificate")
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> get(TestPki.client(ca, strangerClient, "TLSv1.2"), s.url("/metrics")))
                    .as("another CA over TLS 1.2")
                    .isInstanceOf(IOException.class);
            assertThat(s.security.handshakeFailures()).isGreaterThanOrEqualTo(3);
            assertThat(get(TestPki.client(ca, client, "TLSv1.3"), s.url("/metrics"))
                            .body())
                    .containsPattern("aiwatch_http_tls_handshake_failures_total [1-9]");
        }
    }

    @Test
    void verifyIfGivenAdmitsNoCertificateButNotAWrongOne() throws Exception {
        try (TestServer s = start(server, "  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n")) {
            assertThat(get(TestPki.client(ca, null, "TLSv1.3"), s.url("/health"))
                            .status())
                    .isEqualTo(200);
            assertThat(get(TestPki.client(ca, client, "TLSv1.3"), s.url("/health"))
                            .status())
                    .isEqualTo(200);
            assertThatThrownBy(() -> get(TestPki.client(ca, strangerClient, "TLSv1.3"), s.url("/health")))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientAllowedSansAreEnforcedInTheHandshake() throws Exception {
        try (TestServer s = start(
                server,
                "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
                        + "  client_allowed_sans: [prometheus.example]\n")) {
            assertThatThrownBy(() -> get(TestPki.client(ca, client, "TLSv1.3"), s.url("/health")))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void refusesClientsBelowMinVersion() throws Exception {
        try (TestServer s = start(server, "  min_version: TLS13\n")) {
            assertThatThrownBy(() -> get(TestPki.client(ca, null, "TLSv1.2"), s.url("/health")))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(get(TestPki.client(ca, null, "TLSv1.3"), s.url("/health"))
                            .status())
                    .isEqualTo(200);
            try (SSLSocket socket = (SSLSocket)
                    TestPki.client(ca, null, "TLSv1.3").getSocketFactory().createSocket(TestPki.loopback(), s.port())) {
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
        try (TestServer s = start(server, "  min_version: TLS12\n")) {
            assertThat(get(TestPki.client(ca, null, "TLSv1.2"), s.url("/health"))
                            .status())
                    .as("the same client is fine when min_version allows it")
                    .isEqualTo(200);
        }
    }

    @Test
    void validatingClientRejectsAnExpiredServerCertificate() throws Exception {
        TestPki.Issued expired = TestPki.leaf(
                ca,
                "server",
                TestPki.ecKeys(),
                Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)));
        try (TestServer s = start(expired, "")) {
            assertThatThrownBy(() -> get(TestPki.client(ca, null, "TLSv1.3"), s.url("/health")))
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof CertificateExpiredException));
            assertThat(s.security.families().stream()
                            .filter(f -> f.name().equals("aiwatch_tls_certificate_expiry_timestamp_seconds"))
                            .findFirst()
                            .orElseThrow()
                            .samples()
                            .get(0)
                            .value())
                    .isLessThan(Instant.now().getEpochSecond());
        }
    }

    @Test
    void picksUpARotatedCertificateWithoutRestart() throws Exception {
        try (TestServer s = start(server, "")) {
            SSLContext ctx = TestPki.client(ca, null, "TLSv1.3");
            assertThat(get(ctx, s.url("/health")).serverCerts()[0]).isEqualTo(server.cert());
            TestPki.Issued rotated = TestPki.leaf(ca, "server-rotated");
            rotated.write(dir.resolve("server.crt"), dir.resolve("server.key"));
            get(ctx, s.url("/health")); // within the check interval: not looked at yet
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            get(ctx, s.url("/health")); // this handshake notices the change and reloads
            assertThat(get(ctx, s.url("/health")).serverCerts()[0]).isEqualTo(rotated.cert());
            assertThat(s.security.reloadFailures()).isZero();
        }
    }

    private static java.util.List<Throwable> causes(Throwable t) {
        java.util.List<Throwable> out = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && out.size() < 20; c = c.getCause()) {
            out.add(c);
        }
        return out;
    }
}
