package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth, headers, rate limiting and hot reload over plain HTTP. */
class WebSecurityAuthTest {
    @TempDir
    Path dir;

    final AtomicLong nanos = new AtomicLong();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static String hash(String password) {
        return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray());
    }

    private TestServer start(String yaml) throws Exception {
        Path web = dir.resolve("web.yml");
        Files.writeString(web, yaml);
        return new TestServer(
                WebSecurity.load(Optional.of(web), nanos::get, Duration.ofSeconds(1)),
                HardeningConfig.defaults(),
                null);
    }

    private HttpResponse<String> get(TestServer s, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url(path))).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void wrongOrMissingCredentialsGet401WithBasicChallenge() throws Exception {
        try (TestServer s = start(
                "basic_auth_users:\n  prometheus: " + hash("scrape-me") + "\n"
                        + "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n    X-Frame-Options: deny\n")) {
            for (String auth : new String[] {
                null,
                BasicAuthTest.basic("prometheus", "nope"),
                BasicAuthTest.basic("root", "scrape-me"),
                "Basic %%%",
                "Digest username=\"prometheus\""
            }) {
                HttpResponse<String> r = get(s, "/metrics", auth);
                assertThat(r.statusCode()).as("auth %s", auth).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic");
                assertThat(r.body()).doesNotContain("DCGM");
            }
            assertThat(get(s, "/no-such-page", null).statusCode())
                    .as("unknown paths need auth too")
                    .isEqualTo(401);
            HttpResponse<String> ok = get(s, "/metrics", BasicAuthTest.basic("prometheus", "scrape-me"));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("DCGM_FI_DEV_GPU_TEMP").contains("aiwatch_http_auth_failures_total 6");
            assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(ok.headers().firstValue("X-Frame-Options")).hasValue("deny");
        }
    }

    @Test
    void credentialChangesApplyWithoutRestartAndBadReloadsKeepTheOldConfig() throws Exception {
        try (TestServer s = start("basic_auth_users:\n  prometheus: " + hash("old-password") + "\n")) {
            String oldAuth = BasicAuthTest.basic("prometheus", "old-password");
            String newAuth = BasicAuthTest.basic("prometheus", "new-password");
            assertThat(get(s, "/metrics", oldAuth).statusCode()).isEqualTo(200);

            Files.writeString(
                    dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: " + hash("new-password") + "\n");
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(get(s, "/metrics", newAuth).statusCode()).isEqualTo(200);
            assertThat(get(s, "/metrics", oldAuth).statusCode()).isEqualTo(401);

            Files.writeString(
                    dir.resolve("web.yml"),
                    "basic_auth_users:\n  prometheus: " + hash("x") + "\n  typo_key: 1\nextra: [\n");
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(get(s, "/metrics", newAuth).statusCode())
                    .as("broken file: old config stays")
                    .isEqualTo(200);
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            HttpResponse<String> r = get(s, "/metrics", newAuth);
            assertThat(r.body())
                    .contains("aiwatch_web_config_reloads_total{result=\"failure\"} 1\n")
                    .contains("aiwatch_web_config_reloads_total{result=\"success\"} 1\n")
                    .contains("aiwatch_web_config_last_reload_successful 0\n");

            Path tlsOn = dir.resolve("web.yml");
            TestPki.Issued ca = TestPki.ca("ca");
            TestPki.leaf(ca, "server").write(dir.resolve("s.crt"), dir.resolve("s.key"));
            Files.writeString(tlsOn, "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n");
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(get(s, "/metrics", newAuth).statusCode())
                    .as("switching TLS on needs a restart")
                    .isEqualTo(200);
            assertThat(s.security.reloadFailures()).isEqualTo(2);
        }
    }

    @Test
    void rateLimitAnswers429BeforeAuthentication() throws Exception {
        try (TestServer s = start("rate_limit:\n  interval: 1h\n  burst: 2\n")) {
            assertThat(get(s, "/health", null).statusCode()).isEqualTo(200);
            assertThat(get(s, "/health", null).statusCode()).isEqualTo(200);
            assertThat(get(s, "/health", null).statusCode()).isEqualTo(429);
            nanos.addAndGet(Duration.ofHours(1).toNanos());
            assertThat(get(s, "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutWebConfigEverythingIsOpenPlainHttp() throws Exception {
        WebSecurity sec = WebSecurity.load(Optional.empty());
        try (TestServer s = new TestServer(sec, HardeningConfig.defaults(), null)) {
            assertThat(sec.tlsEnabled()).isFalse();
            assertThat(get(s, "/metrics", null).statusCode()).isEqualTo(200);
        }
    }
}
