package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScrapeLimiterTest {
    @Test
    void answers503BeyondTheCapAndCountsIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        HardeningConfig limits = new HardeningConfig(Duration.ofSeconds(10), 8192, 65536, 64, 16, 64, 2);
        try (TestServer s = new TestServer(WebSecurity.load(Optional.empty()), limits, ctx -> {
            if (!"yes".equals(ctx.queryParam("fast"))) {
                entered.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
        })) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpRequest slow = HttpRequest.newBuilder(URI.create(s.url("/metrics")))
                    .timeout(Duration.ofSeconds(15))
                    .build();
            CompletableFuture<HttpResponse<String>> a = http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> b = http.sendAsync(slow, HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(10, TimeUnit.SECONDS))
                    .as("two scrapes in flight")
                    .isTrue();
            assertThat(s.limiter.inFlight()).isEqualTo(2);

            HttpResponse<String> third = http.send(
                    HttpRequest.newBuilder(URI.create(s.url("/metrics?fast=yes")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(s.limiter.rejected()).isEqualTo(1);
            assertThat(get(http, s, "/health"))
                    .as("other routes are not capped")
                    .isEqualTo(200);

            release.countDown();
            assertThat(a.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(b.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            HttpResponse<String> after = http.send(
                    HttpRequest.newBuilder(URI.create(s.url("/metrics?fast=yes")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).contains("aiwatch_http_scrapes_rejected_total 1\n");
        }
    }

    @Test
    void refusesANonPositiveCap() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScrapeLimiter(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int get(HttpClient http, TestServer s, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(s.url(path))).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
