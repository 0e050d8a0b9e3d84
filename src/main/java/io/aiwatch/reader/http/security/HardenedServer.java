package io.aiwatch.reader.http.security;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Applies {@link HardeningConfig} to a Javalin/Jetty server: a bounded thread pool and request
 * queue, header and body size limits, a connection cap, and idle (read/write) timeouts on the
 * connector. Most of the rejecting is Jetty's own (400 for malformed requests, 414/431 for huge
 * request lines or headers); the body check here answers 413 before any handler runs.
 */
public final class HardenedServer {
    private final HardeningConfig limits;
    private final AtomicLong tooLarge = new AtomicLong();

    public HardenedServer(HardeningConfig limits) {
        this.limits = limits;
    }

    public HardeningConfig limits() {
        return limits;
    }

    /** Thread pool, HTTP configuration, body limits and connection cap; does not add a connector. */
    public void apply(JavalinConfig cfg) {
        QueuedThreadPool pool = new QueuedThreadPool(
                limits.maxThreads(),
                Math.min(4, limits.maxThreads()),
                60_000,
                new BlockingArrayQueue<>(limits.maxQueuedRequests()));
        pool.setName("aiwatch-http");
        cfg.jetty.threadPool = pool;
        cfg.http.maxRequestSize = limits.maxRequestBodyBytes();
        cfg.jetty.modifyHttpConfiguration(hc -> {
            hc.setRequestHeaderSize(limits.requestHeaderBytes());
            hc.setResponseHeaderSize(8 * 1024);
            hc.setSendServerVersion(false);
            hc.setSendXPoweredBy(false);
            hc.setIdleTimeout(limits.idleTimeout().toMillis());
        });
        cfg.jetty.modifyServletContextHandler(h -> {
            h.setMaxFormContentSize((int) Math.min(Integer.MAX_VALUE, limits.maxRequestBodyBytes()));
            h.setMaxFormKeys(100);
        });
        cfg.jetty.modifyServer(server -> server.addBean(new ConnectionLimit(limits.maxConnections(), server)));
    }

    /**
     * A connector on {@code host:port} with the idle timeout; TLS when {@code tls} is not null (HTTP/1.1
     * only: Javalin's Jetty here has no HTTP/2 module).
     */
    public Connector connector(
            Server server, HttpConfiguration base, SslContextFactory.Server tls, String host, int port) {
        ServerConnector c;
        if (tls == null) {
            c = new ServerConnector(server, new HttpConnectionFactory(base));
        } else {
            HttpConfiguration https = new HttpConfiguration(base);
            https.addCustomizer(new SecureRequestCustomizer(false));
            c = new ServerConnector(
                    server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
        }
        c.setHost(host);
        c.setPort(port);
        c.setIdleTimeout(limits.idleTimeout().toMillis());
        c.setAcceptQueueSize(128);
        return c;
    }

    /** Before-handler step: 413 for a declared body over the limit. Returns false when it answered. */
    boolean admit(Context ctx) {
        long len = ctx.req().getContentLengthLong();
        if (len > limits.maxRequestBodyBytes()) {
            tooLarge.incrementAndGet();
            ctx.status(413).contentType("text/plain; charset=utf-8").result("request body too large\n");
            return false;
        }
        return true;
    }

    long rejectedTooLarge() {
        return tooLarge.get();
    }
}
