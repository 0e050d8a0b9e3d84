package io.aiwatch.reader.exposition;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import io.aiwatch.source.inference.InferenceConfig;
import io.aiwatch.source.inference.VllmCollector;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The daemon's /metrics body with {@code n} real {@link VllmCollector}s scraping a loopback vLLM
 * exposition (the synthetic v1 fixture) through the store and the renderer.
 */
final class MultiTargetExposition {
    private MultiTargetExposition() {}

    static String render(int targets, Format format) throws Exception {
        byte[] body;
        try (InputStream in =
                MultiTargetExposition.class.getResourceAsStream("/inference/exposition_synthetic_v1.txt")) {
            body = in.readAllBytes();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        SnapshotStore store = new SnapshotStore(clock);
        try (CollectorRunner runner = new CollectorRunner(store)) {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
            for (int i = 0; i < targets; i++) {
                VllmCollector c = new VllmCollector(InferenceConfig.Target.of(url, "vllm-" + i, "5s", "5s"), clock);
                store.register(c.name(), c.interval(), c.staleAfter());
                runner.runOnce(c);
            }
            return new String(new ExpositionRenderer(store).render(format), StandardCharsets.UTF_8);
        } finally {
            server.stop(0);
        }
    }
}
