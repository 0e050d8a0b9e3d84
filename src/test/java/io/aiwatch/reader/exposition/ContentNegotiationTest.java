package io.aiwatch.reader.exposition;

import static io.aiwatch.reader.exposition.ContentNegotiation.Format.OPENMETRICS_1_0_0;
import static io.aiwatch.reader.exposition.ContentNegotiation.Format.TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ContentNegotiationTest {
    @Test
    void prometheus2And3AcceptHeadersGetOpenMetrics() {
        assertThat(ContentNegotiation.format("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                        + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
                .isEqualTo(OPENMETRICS_1_0_0);
        assertThat(ContentNegotiation.format("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                        + "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                        + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"))
                .isEqualTo(OPENMETRICS_1_0_0);
    }

    @Test
    void defaultsToText004() {
        assertThat(ContentNegotiation.format(null)).isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("")).isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("*/*")).isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("text/html,application/xhtml+xml")).isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily"))
                .isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format(";;;,,,=q;q=")).isEqualTo(TEXT_0_0_4);
    }

    @Test
    void honoursQValuesAndOrderOnTies() {
        assertThat(ContentNegotiation.format("application/openmetrics-text;q=0.2, text/plain;q=0.9"))
                .isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format(
                        "text/plain;q=0.5, application/openmetrics-text; version=\"1.0.0\"; q=0.6"))
                .isEqualTo(OPENMETRICS_1_0_0);
        assertThat(ContentNegotiation.format("text/plain, application/openmetrics-text"))
                .isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("application/openmetrics-text, text/plain"))
                .isEqualTo(OPENMETRICS_1_0_0);
        assertThat(ContentNegotiation.format("application/openmetrics-text;q=0"))
                .isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("application/openmetrics-text;version=2.0.0"))
                .isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.format("APPLICATION/OpenMetrics-Text; Version=1.0.0"))
                .isEqualTo(OPENMETRICS_1_0_0);
    }

    @Test
    void gzipOnlyWhenAcceptedWithPositiveQ() {
        assertThat(ContentNegotiation.acceptsGzip("gzip")).isTrue();
        assertThat(ContentNegotiation.acceptsGzip("br, gzip;q=0.5, deflate")).isTrue();
        assertThat(ContentNegotiation.acceptsGzip("identity")).isFalse();
        assertThat(ContentNegotiation.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ContentNegotiation.acceptsGzip("*")).isTrue();
        assertThat(ContentNegotiation.acceptsGzip("gzip;q=0, *")).isFalse();
        assertThat(ContentNegotiation.acceptsGzip(null)).isFalse();
        assertThat(ContentNegotiation.acceptsGzip("gzip;q=banana")).isFalse();
    }

    @Test
    void gzipRoundTrips() throws IOException {
        byte[] body = "DCGM_FI_DEV_GPU_TEMP{gpu=\"0\"} 41\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[] z = ContentNegotiation.gzip(body);
        assertThat(z.length).isLessThan(body.length / 5);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(z))) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
    }

    @Test
    void hugeHeadersAreBoundedNotFatal() {
        String huge = "x/y;q=0.1,".repeat(10_000) + "application/openmetrics-text";
        assertThat(ContentNegotiation.format(huge)).isEqualTo(TEXT_0_0_4);
        assertThat(ContentNegotiation.negotiate("application/openmetrics-text", "gzip"))
                .isEqualTo(new ContentNegotiation.Choice(OPENMETRICS_1_0_0, true));
    }
}
