package io.aiwatch.source.inference.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a candidate endpoint whether it is vLLM: one {@code GET /metrics}, bounded in time and in
 * bytes read, answered yes when a metric family named {@code vllm:*} appears. A server that is not
 * HTTP, answers an error, or serves other metrics is a no.
 */
final class MetricsProbe implements AutoCloseable {
    /** vLLM's families come in the first few hundred KiB; a candidate is never read further. */
    static final int MAX_BYTES = 1 << 20;

    private final HttpClient client;
    private final Duration timeout;

    MetricsProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** True when {@code url} serves a Prometheus exposition with a {@code vllm:} family. */
    boolean isVllm(URI url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", "text/plain;version=0.0.4")
                .GET()
                .build();
        CompletableFuture<HttpResponse<InputStream>> f =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        try {
            HttpResponse<InputStream> r = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    return false;
                }
                return hasVllmFamily(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
            }
        } catch (TimeoutException | ExecutionException | IOException e) {
            f.cancel(true);
            return false;
        }
    }

    /** A sample or a TYPE/HELP line of a family whose name starts with {@code vllm:}. */
    static boolean hasVllmFamily(String text) {
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("vllm:") || line.startsWith("# TYPE vllm:") || line.startsWith("# HELP vllm:")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        // HttpClient.close() is Java 21; its threads are daemon threads and go with the client
    }
}
