package io.aiwatch.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Small HTTP helpers for integration tests: GET, and polling with a deadline. */
public final class HttpGet {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpGet() {}

    public static HttpResponse<String> get(String url) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code url} until {@code ok} holds or {@code timeout} passes; returns the last response or throws. */
    public static HttpResponse<String> await(String url, Predicate<HttpResponse<String>> ok, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        HttpResponse<String> response = null;
        while (System.nanoTime() < deadline) {
            try {
                response = get(url);
                if (ok.test(response)) {
                    return response;
                }
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + url
                + (response != null
                        ? "; last answer " + response.statusCode() + ": " + abbreviate(response.body())
                        : "")
                + (last != null ? "; last error " + last : ""));
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
