package io.aiwatch.reader.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The negotiation pieces on a real server, with Javalin's own compression left at its default. */
class NegotiatedScrapeTest {
    @Test
    void gzipIsAppliedOnceAndFormatFollowsAccept() throws Exception {
        try (TestServer s = new TestServer(WebSecurity.load(Optional.empty()), HardeningConfig.defaults(), null)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> z = http.send(
                    HttpRequest.newBuilder(URI.create(s.url("/metrics")))
                            .header(
                                    "Accept",
                                    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                            .header("Accept-Encoding", "gzip")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(z.headers().allValues("Content-Encoding")).containsExactly("gzip");
            assertThat(z.headers().firstValue("Content-Type"))
                    .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
            String body;
            try (var in = new GZIPInputStream(new ByteArrayInputStream(z.body()))) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(body)
                    .startsWith("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n")
                    .endsWith("# EOF\n")
                    .contains(
                            "# TYPE aiwatch_http_scrapes_rejected counter\n",
                            "aiwatch_http_scrapes_rejected_total 0\n");

            HttpResponse<String> plain = http.send(
                    HttpRequest.newBuilder(URI.create(s.url("/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(plain.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(plain.body())
                    .contains("# TYPE aiwatch_http_scrapes_rejected_total counter\n")
                    .doesNotContain("# EOF");
        }
    }
}
