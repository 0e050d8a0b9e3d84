package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ScrapeResponderTest {
    private static final List<MetricFamily> FAMILIES =
            List.of(MetricFamily.builder("aiwatch_things_total", MetricType.COUNTER, "Things.")
                    .add(Labels.of("kind", "a\"b"), 3)
                    .build());

    private static String body(ScrapeResponder.Response r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeTo(out);
        byte[] bytes = out.toByteArray();
        if (r.gzip()) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        } else {
            assertThat(r.contentLength()).isEqualTo(bytes.length);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void answersText004WithoutAcceptAndSaysWhatItVariesOn() throws Exception {
        var r = ScrapeResponder.respond(null, null, ScrapeResponder.of(() -> FAMILIES));
        assertThat(r.headers())
                .containsExactly(
                        java.util.Map.entry("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                        java.util.Map.entry("Vary", "Accept, Accept-Encoding"));
        assertThat(body(r))
                .isEqualTo("# HELP aiwatch_things_total Things.\n# TYPE aiwatch_things_total counter\n"
                        + "aiwatch_things_total{kind=\"a\\\"b\"} 3\n");
    }

    @Test
    void answersOpenMetricsGzippedWhenAskedWithoutALengthUpFront() throws Exception {
        var r = ScrapeResponder.respond(
                "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;q=0.5",
                "gzip",
                ScrapeResponder.of(() -> FAMILIES));
        assertThat(r.headers())
                .containsEntry("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .containsEntry("Content-Encoding", "gzip");
        assertThat(r.contentLength()).isEqualTo(-1);
        assertThat(body(r))
                .isEqualTo("# TYPE aiwatch_things counter\n# HELP aiwatch_things Things.\n"
                        + "aiwatch_things_total{kind=\"a\\\"b\"} 3\n# EOF\n");
    }

    @Test
    void writesTheBodysPartsInOrder() throws Exception {
        byte[] a = "a 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b 2\n".getBytes(StandardCharsets.UTF_8);
        var r = ScrapeResponder.respond("text/plain", "identity", format -> List.of(a, b));
        assertThat(r.gzip()).isFalse();
        assertThat(body(r)).isEqualTo("a 1\nb 2\n");
    }
}
