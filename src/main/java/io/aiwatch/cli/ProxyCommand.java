package io.aiwatch.cli;

import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.proxy.MeasuringProxy;
import io.aiwatch.tool.proxy.ProxyConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aiwatch proxy --listen :8001 --upstream URL}: the measuring OpenAI reverse proxy. */
@Command(
        name = "proxy",
        mixinStandardHelpOptions = true,
        description =
                "Forward OpenAI requests to an upstream unchanged and record client-side TTFT, ITL, TPOT, E2E on /metrics.")
public final class ProxyCommand implements Callable<Integer> {
    @Option(
            names = "--listen",
            description = "HOST:PORT to listen on; ':PORT' means all interfaces (default: ${DEFAULT-VALUE}).")
    String listen = "127.0.0.1:8001";

    @Option(
            names = "--upstream",
            required = true,
            description = "Base URL of the OpenAI-compatible server, e.g. http://127.0.0.1:8000.")
    String upstream;

    @Option(
            names = "--max-models",
            description = "Distinct model label values before 'other' (default: ${DEFAULT-VALUE}).")
    int maxModels = 20;

    @Option(names = "--connect-timeout", description = "Upstream connect timeout, seconds (default: ${DEFAULT-VALUE}).")
    double connectTimeout = 5;

    @Option(
            names = "--request-timeout",
            description =
                    "Longest wait for upstream response headers and between body reads, seconds (default: ${DEFAULT-VALUE}).")
    double requestTimeout = 600;

    @Option(
            names = "--http-threads",
            description =
                    "Most proxy request threads; with an https upstream one per open request; 0: 1200 for https, 64 for http"
                            + " (default: ${DEFAULT-VALUE}).")
    int httpThreads = 0;

    @Option(
            names = "--forward-threads",
            description =
                    "Threads that pass plain-HTTP upstream responses on to clients; 0: the available processors, at most 4 (default: ${DEFAULT-VALUE}).")
    int forwardThreads = 0;

    @Mixin
    OtlpSpanOptions otlp = new OtlpSpanOptions();

    /** The configuration these options describe. */
    ProxyConfig config() {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen must be HOST:PORT or :PORT, got " + listen);
        }
        String host = colon == 0 ? "0.0.0.0" : listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen port is not a number: " + listen);
        }
        return new ProxyConfig(
                host, port, upstream, maxModels, connectTimeout, requestTimeout, httpThreads, forwardThreads);
    }

    @Override
    public Integer call() throws InterruptedException {
        ProxyConfig c;
        GenAiSpans spans;
        try {
            c = config();
            spans = otlp.start(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        MeasuringProxy proxy = MeasuringProxy.start(c, spans);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            if (spans != null) {
                spans.close(); // exports what is queued
            }
            stop.countDown();
        }));
        System.out.printf(
                "measuring proxy on http://%s:%d -> %s (metrics on /metrics)%s%n",
                c.host(), proxy.port(), c.upstream(), spans == null ? "" : "; request spans to " + otlp.endpoint);
        stop.await();
        return 0;
    }
}
