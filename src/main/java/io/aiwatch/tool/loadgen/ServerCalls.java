package io.aiwatch.tool.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.loadgen.client.ClientConfig;
import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The calls vllm bench serve makes besides the benchmark's requests: the first model of
 * {@code GET /v1/models}, the ready check (the first prompt until it succeeds) and the profiler's
 * {@code /start_profile} and {@code /stop_profile}.
 */
final class ServerCalls {
    private ServerCalls() {}

    /** The served model: {@code {name, id}} = the first model's id and its root (vLLM's model_name, model_id). */
    static String[] firstModel(ClientConfig c, Map<String, String> headers) {
        String url = c.baseUrl().replaceAll("/$", "") + "/v1/models";
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .GET();
            if (c.apiKey() != null) {
                b.header("Authorization", "Bearer " + c.apiKey());
            }
            headers.forEach(b::header);
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode first = new ObjectMapper().readTree(r.body()).path("data").path(0);
            if (r.statusCode() != 200 || !first.path("id").isTextual()) {
                throw new LoadgenException("no --model given and GET " + url + " gave no model (HTTP " + r.statusCode()
                        + "). Make sure the server is running and has models loaded.");
            }
            String id = first.path("id").asText();
            return new String[] {
                id, first.path("root").isTextual() ? first.path("root").asText() : id
            };
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new LoadgenException("no --model given and GET " + url + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadgenException("interrupted while asking " + url + " for the model");
        }
    }

    /**
     * vLLM's ready check: sends the first prompt every 5 s until one succeeds or {@code timeoutSec}
     * passed; a run whose check fails stops with the last error.
     */
    static void waitReady(OpenAiClient client, byte[] body, int promptTokens, int timeoutSec, PrintStream err)
            throws InterruptedException {
        err.println("Waiting for endpoint to become up in " + timeoutSec + " seconds");
        long deadline = System.nanoTime() + timeoutSec * 1_000_000_000L;
        RequestRecord last = null;
        while (true) {
            CompletableFuture<RequestRecord> done = new CompletableFuture<>();
            client.send(-1, 0, body, promptTokens, false, (t, r) -> done.complete(r));
            try {
                last = done.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                last = null;
            }
            if (last != null && last.ok()) {
                err.println("Initial test run completed.");
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Thread.sleep(Math.min(5000, left / 1_000_000));
        }
        throw new LoadgenException("Initial test run failed - Please make sure benchmark arguments are correctly"
                + " specified. Error: " + (last == null ? "no answer" : last.error()));
    }

    /** POST {@code /start_profile} or {@code /stop_profile} with the first prompt's body; says whether it worked. */
    static boolean profile(ClientConfig c, String path, byte[] body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create(c.baseUrl().replaceAll("/$", "") + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (c.apiKey() != null) {
                b.header("Authorization", "Bearer " + c.apiKey());
            }
            return HttpClient.newHttpClient()
                            .send(b.build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
