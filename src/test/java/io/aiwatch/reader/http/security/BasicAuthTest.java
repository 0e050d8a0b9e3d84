package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BasicAuthTest {
    /** The PHP manual's password_verify example: a $2y$ hash as htpasswd and Go also produce. */
    static final String PHP_2Y = "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a";
    /** OpenBSD/jBCrypt test vector for the empty password. */
    static final String OPENBSD_2A_EMPTY = "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.";

    private final AtomicLong nanos = new AtomicLong();

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private BasicAuth auth(Map<String, String> users) {
        return new BasicAuth(users, nanos::get, Duration.ofSeconds(60));
    }

    @Test
    void verifiesAllThreeBcryptPrefixes() {
        String b = new String(
                BCrypt.with(BCrypt.Version.VERSION_2B).hash(4, "s3cret".toCharArray()), StandardCharsets.US_ASCII);
        assertThat(b).startsWith("$2b$04$");
        BasicAuth a = auth(Map.of("php", PHP_2Y, "bsd", OPENBSD_2A_EMPTY, "bob", b));
        assertThat(a.check(basic("php", "rasmuslerdorf"))).isTrue();
        assertThat(a.check(basic("bsd", ""))).isTrue();
        assertThat(a.check(basic("bob", "s3cret"))).isTrue();
        assertThat(a.check(basic("php", "rasmuslerdorF"))).isFalse();
        assertThat(a.check(basic("bob", "s3cret "))).isFalse();
    }

    @Test
    void refusesUnknownUsersAndMalformedHeaders() {
        BasicAuth a = auth(Map.of("php", PHP_2Y));
        assertThat(a.check(basic("nobody", "rasmuslerdorf"))).isFalse();
        assertThat(a.check(null)).isFalse();
        assertThat(a.check("Bearer abc")).isFalse();
        assertThat(a.check("Basic !!!not-base64!!!")).isFalse();
        assertThat(a.check("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes())))
                .isFalse();
        assertThat(a.check("Basic " + "A".repeat(10_000))).isFalse();
        assertThat(a.check(basic("php", "x".repeat(500)))).isFalse();
        assertThat(a.check("basic " + basic("php", "rasmuslerdorf").substring(6)))
                .isTrue();
    }

    @Test
    void unknownUsersCostABcryptRunLikeKnownOnes() {
        BasicAuth a = auth(Map.of("php", PHP_2Y));
        a.check(basic("nobody", "x"));
        assertThat(a.bcryptRuns()).isEqualTo(1);
    }

    @Test
    void cachesSuccessForTheTtlOnly() {
        BasicAuth a = auth(Map.of("php", PHP_2Y));
        assertThat(a.check(basic("php", "rasmuslerdorf"))).isTrue();
        assertThat(a.check(basic("php", "rasmuslerdorf"))).isTrue();
        assertThat(a.bcryptRuns()).isEqualTo(1);
        assertThat(a.check(basic("php", "wrong"))).isFalse();
        assertThat(a.check(basic("php", "wrong"))).isFalse();
        assertThat(a.bcryptRuns()).as("failures are never cached").isEqualTo(3);
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(a.check(basic("php", "rasmuslerdorf"))).isTrue();
        assertThat(a.bcryptRuns()).isEqualTo(4);
    }

    @Test
    void noUsersMeansNoAuthentication() {
        BasicAuth a = auth(Map.of());
        assertThat(a.enabled()).isFalse();
        assertThat(a.check(null)).isTrue();
    }
}
