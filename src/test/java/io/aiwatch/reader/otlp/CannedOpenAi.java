package io.aiwatch.reader.otlp;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenAI-compatible upstream on 127.0.0.1 that answers every POST with one fixed stream (two
 * token chunks, finish_reason {@code stop}, usage 5 + 2) and remembers each request's
 * {@code traceparent} header (null when absent).
 */
final class CannedOpenAi implements AutoCloseable {
    static final String STREAM = """
            data: {"id":"c1","model":"canned-model","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}

            data: {"id":"c1","model":"canned-model","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]}

            data: {"id":"c1","model":"canned-model","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}

            data: [DONE]

            """;
    final List<String> traceparents = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);

    CannedOpenAi() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            String tp = ex.getRequestHeaders().getFirst("traceparent");
            traceparents.add(tp == null ? "null" : tp);
            byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(pool);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
