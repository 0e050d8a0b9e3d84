package io.aiwatch.source.inference;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches and parses one target's exposition over HTTP. The whole exchange (connect, headers and
 * body) is bounded by the timeout, and the body by {@link #MAX_BODY_BYTES}. The body is parsed
 * as it arrives, never held whole, and at most a budget of samples is kept, so a stalled, huge or
 * hostile target costs this target's thread at most one timeout and its sample budget of memory.
 */
final class VllmScraper implements AutoCloseable {
    static final int MAX_BODY_BYTES = 16 << 20;
    static final String ACCEPT =
            "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;
    private PromTextParser textParser = new PromTextParser(PromTextParser.Format.TEXT_0_0_4);
    private PromTextParser omParser = new PromTextParser(PromTextParser.Format.OPENMETRICS_1_0);

    VllmScraper(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The target's families, parsed with the grammar its Content-Type names.
     *
     * @param maxSamples the sample budget: a larger exposition fails with reason
     *     {@code series_limit} and a {@link SeriesLimitException} as cause
     */
    List<PromFamily> fetch(int maxSamples) throws ScrapeFailure, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", ACCEPT)
                .GET()
                .build();
        PromTextParser text = textParser;
        PromTextParser om = omParser;
        CompletableFuture<HttpResponse<List<PromFamily>>> future = client.sendAsync(request, info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            String contentType = info.headers().firstValue("Content-Type").orElse(null);
            boolean openMetrics =
                    PromTextParser.Format.fromContentType(contentType) == PromTextParser.Format.OPENMETRICS_1_0;
            return new ParsingBody(openMetrics ? om : text, maxSamples);
        });
        HttpResponse<List<PromFamily>> response;
        try {
            response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            // The abandoned exchange may still be feeding a parser: the next scrape gets new ones.
            textParser = new PromTextParser(PromTextParser.Format.TEXT_0_0_4);
            omParser = new PromTextParser(PromTextParser.Format.OPENMETRICS_1_0);
            throw new ScrapeFailure("timeout", "no complete response within " + timeout.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new ScrapeFailure("http_status", "HTTP status " + response.statusCode(), null);
        }
        return response.body();
    }

    private ScrapeFailure classify(Throwable e) {
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (e instanceof ParseException) {
            return new ScrapeFailure("parse", e.getMessage(), e);
        }
        if (e instanceof SeriesLimitException) {
            return new ScrapeFailure("series_limit", e.getMessage(), e);
        }
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

    /** Parses the body as it arrives, failing once it passes {@link #MAX_BODY_BYTES}. */
    private static final class ParsingBody implements HttpResponse.BodySubscriber<List<PromFamily>> {
        private final CompletableFuture<List<PromFamily>> result = new CompletableFuture<>();
        private final PromTextParser parser;
        private Flow.Subscription subscription;
        private long received;

        ParsingBody(PromTextParser parser, int maxSamples) {
            this.parser = parser;
            parser.start(maxSamples);
        }

        @Override
        public CompletionStage<List<PromFamily>> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    received += b.remaining();
                    if (received > MAX_BODY_BYTES) {
                        throw new TooLarge();
                    }
                    parser.feed(b);
                }
            } catch (ParseException | TooLarge e) {
                subscription.cancel();
                result.completeExceptionally(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            try {
                result.complete(parser.finish());
            } catch (ParseException | SeriesLimitException e) {
                result.completeExceptionally(e);
            }
        }
    }
}
