package io.aiwatch.tool.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A scripted upstream: records what it received and answers with chunks sent at fixed delays. */
final class FakeUpstream implements AutoCloseable {
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {}

    /** One response piece, written and flushed after {@code delayMs}. */
    record Piece(long delayMs, String text) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    volatile int status = 200;
    volatile String contentType = "text/event-stream";
    volatile List<Piece> pieces = List.of();

    FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        received.add(new Received(
                ex.getRequestMethod(),
                ex.getRequestURI().toString(),
                Map.copyOf(ex.getRequestHeaders()),
                ex.getRequestBody().readAllBytes()));
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.getResponseHeaders().add("X-Upstream", "fake");
        ex.sendResponseHeaders(status, 0);
        OutputStream out = ex.getResponseBody();
        try {
            for (Piece p : pieces) {
                if (p.delayMs() > 0) {
                    Thread.sleep(p.delayMs());
                }
                out.write(p.text().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
