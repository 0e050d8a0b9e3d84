package io.aiwatch.source.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches one target's exposition over HTTP. The whole exchange (connect, headers and body) is
 * bounded by the timeout, and the body by {@link #MAX_BODY_BYTES}, so a stalled or hostile
 * target costs this target's thread at most one timeout and a few MiB.
 */
final class VllmScraper implements AutoCloseable {
    static final int MAX_BODY_BYTES = 16 << 20;
    static final String ACCEPT =
            "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** A fetched body with the Content-Type it came with (possibly null). */
    record Body(String text, String contentType) {}

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    VllmScraper(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Body fetch() throws ScrapeFailure, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", ACCEPT)
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, info -> new LimitedBody());
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ScrapeFailure("timeout", "no complete response within " + timeout.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new ScrapeFailure("http_status", "HTTP status " + response.statusCode(), null);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        return new Body(new String(response.body(), StandardCharsets.UTF_8), contentType);
    }

    private ScrapeFailure classify(Throwable e) {
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (e instanceof TooLarge) {
            return new ScrapeFailure("too_large", "body larger than " + MAX_BODY_BYTES + " bytes", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new ScrapeFailure("timeout", message, e);
        }
        if (e instanceof ConnectException || (e.getCause() instanceof ConnectException)) {
            return new ScrapeFailure("connect", message, e);
        }
        return new ScrapeFailure("io", message, e);
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its threads end when it becomes unreachable.
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("response body too large");
        }
    }

    /** Collects the body, failing once it passes {@link #MAX_BODY_BYTES}. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (out.size() + b.remaining() > MAX_BODY_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
