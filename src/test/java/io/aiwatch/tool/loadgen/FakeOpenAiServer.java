package io.aiwatch.tool.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenAI-compatible server for tests: /v1/completions and /v1/chat/completions, streaming
 * (SSE with a usage chunk and [DONE]) or not, with controllable delays and failures.
 */
final class FakeOpenAiServer implements AutoCloseable {
    /** What the next responses do. */
    enum Mode {
        OK,
        HTTP_500,
        HTTP_400,
        SLOW,
        BREAK_STREAM,
        NO_DONE,
        ERROR_EVENT,
        CRLF
    }

    volatile Mode mode = Mode.OK;
    volatile int tokens = 4;
    volatile long ttftMs = 0;
    volatile long itlMs = 0;
    volatile long slowMs = 5_000;
    final AtomicInteger requests = new AtomicInteger();
    /** Advances with every request received; see {@link #awaitRequests}. */
    private final java.util.concurrent.Phaser arrivals = new java.util.concurrent.Phaser(1);

    volatile String lastBody = "";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-openai");
        t.setDaemon(true);
        return t;
    });

    FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.createContext("/v1/completions", this::handle);
        server.createContext("/v1/chat/completions", this::handle);
        server.createContext("/v1/models", ex -> send(ex, 200, "{\"data\":[{\"id\":\"fake-model\"}]}"));
        server.setExecutor(pool);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits (no polling) until {@code n} requests arrived; false when {@code timeoutMs} passed first. */
    boolean awaitRequests(int n, long timeoutMs) throws InterruptedException {
        return io.aiwatch.testing.Await.until(
                arrivals, () -> requests.get() >= n, java.time.Duration.ofMillis(timeoutMs));
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        arrivals.arrive();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        lastBody = body;
        boolean stream = body.contains("\"stream\":true");
        boolean chat = ex.getRequestURI().getPath().contains("chat");
        Mode m = mode;
        switch (m) {
            case HTTP_500 -> {
                send(ex, 500, "{\"error\":\"boom\"}");
                return;
            }
            case HTTP_400 -> {
                send(ex, 400, "{\"error\":\"bad\"}");
                return;
            }
            case SLOW -> sleep(slowMs);
            default -> {}
        }
        int n = tokens;
        if (!stream) {
            sleep(ttftMs + itlMs * Math.max(0, n - 1));
            String text = "x".repeat(n);
            String choice = chat
                    ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"}}"
                    : "{\"index\":0,\"text\":\"" + text + "\"}";
            send(
                    ex,
                    200,
                    "{\"id\":\"c\",\"choices\":[" + choice + "],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":"
                            + n + ",\"total_tokens\":" + (7 + n) + "}}");
            return;
        }
        String sep = m == Mode.CRLF ? "\r\n\r\n" : "\n\n";
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream os = ex.getResponseBody()) {
            write(os, ": ping" + sep);
            sleep(ttftMs);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sleep(itlMs);
                }
                if (m == Mode.BREAK_STREAM && i == n / 2) {
                    os.flush();
                    ex.getHttpContext().getServer();
                    throw new IOException("simulated broken stream");
                }
                String chunk = chat
                        ? "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + i + " \"}}]}"
                        : "{\"choices\":[{\"index\":0,\"text\":\"t" + i + " \"}]}";
                write(os, "data: " + chunk + sep);
            }
            if (m == Mode.ERROR_EVENT) {
                write(os, "data: {\"error\":{\"message\":\"engine died\"}}" + sep);
            }
            write(os, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":" + n + "}}" + sep);
            if (m != Mode.NO_DONE) {
                write(os, "data: [DONE]" + sep);
            }
        }
    }

    private static void write(OutputStream os, String s) throws IOException {
        os.write(s.getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
