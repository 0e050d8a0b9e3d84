package io.aiwatch.reader.http.security;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point for securing the daemon's HTTP server with a {@code --web.config.file}:
 * TLS (optionally mutual), basic auth, response headers and rate limiting, in exporter-toolkit's
 * format and semantics, plus the hardening limits.
 *
 * <p>Changes to the web-config file or to the certificate, key and CA files it names are picked
 * up without a restart: at most once per {@code checkInterval}, on the next request or TLS
 * handshake, the files' content is hashed and, if it changed, the config is reloaded. A reload
 * that fails (bad YAML, missing file, a switch between TLS and plain HTTP, which needs a restart)
 * keeps the running config, logs the reason once and counts it.
 */
public final class WebSecurity {
    private volatile java.util.Set<String> unauthenticatedPaths = java.util.Set.of();
    private static final Logger LOG = LoggerFactory.getLogger(WebSecurity.class);
    private static final Duration AUTH_CACHE_TTL = Duration.ofMinutes(1);

    private final LongSupplier nanoTime;
    private final long checkIntervalNanos;
    private final ServerTls serverTls;
    private final AtomicLong lastCheck;
    private volatile Active active;
    private volatile String lastFailedFingerprint = "";
    private final AtomicLong reloadOk = new AtomicLong();
    private final AtomicLong reloadFailed = new AtomicLong();
    private final AtomicLong authFailures = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong handshakeFailures = new AtomicLong();
    private volatile boolean lastReloadOk = true;
    private HardenedServer hardening;

    private record Active(LoadedWebConfig loaded, BasicAuth auth, RateLimiter limiter) {}

    private WebSecurity(LoadedWebConfig loaded, LongSupplier nanoTime, Duration checkInterval)
            throws WebConfigException {
        this.nanoTime = nanoTime;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.lastCheck = new AtomicLong(nanoTime.getAsLong());
        this.active = activate(loaded);
        try {
            this.serverTls = loaded.tls() == null ? null : new ServerTls(loaded.tls(), this::checkForChanges);
        } catch (Exception e) {
            throw new WebConfigException(loaded.source() + ": TLS setup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and validates the web-config; without a file: plain HTTP, no auth.
     *
     * @throws WebConfigException with file, line or key when the file is unusable (refuse to start)
     */
    public static WebSecurity load(Optional<Path> webConfigFile) throws WebConfigException {
        return load(webConfigFile, System::nanoTime, Duration.ofSeconds(1));
    }

    /** As {@link #load(Optional)} with an injected monotonic clock and change-check interval (tests). */
    public static WebSecurity load(Optional<Path> webConfigFile, LongSupplier nanoTime, Duration checkInterval)
            throws WebConfigException {
        LoadedWebConfig loaded =
                webConfigFile.isPresent() ? WebConfigLoader.load(webConfigFile.get()) : LoadedWebConfig.defaults();
        return new WebSecurity(loaded, nanoTime, checkInterval);
    }

    /**
     * Configures {@code cfg} completely: hardening limits, one connector on {@code host:port}
     * (HTTPS when the web-config has TLS, else HTTP) and a before-handler for every path that sets
     * the configured headers, answers 413 / 429 / 401 and stops the request when it must.
     */
    public void install(JavalinConfig cfg, String host, int port, HardenedServer hardened) {
        this.hardening = hardened;
        hardened.apply(cfg);
        cfg.jetty.addConnector((server, httpConfig) -> {
            Connector c = hardened.connector(server, httpConfig, serverTls, host, port);
            c.addBean(new HandshakeCounter());
            return c;
        });
        cfg.router.mount(router -> router.before(this::before));
    }

    /**
     * Paths answered without basic auth (exact match): Kubernetes probes cannot send credentials.
     * TLS, headers and rate limits still apply to them.
     */
    public WebSecurity withUnauthenticatedPaths(java.util.Collection<String> paths) {
        this.unauthenticatedPaths = java.util.Set.copyOf(paths);
        return this;
    }

    /** Whether the server speaks TLS (decided at start; switching needs a restart). */
    public boolean tlsEnabled() {
        return serverTls != null;
    }

    void before(Context ctx) {
        checkForChanges();
        Active a = active;
        a.loaded().config().headers().forEach(ctx::header);
        if (hardening != null && !hardening.admit(ctx)) {
            ctx.skipRemainingHandlers();
            return;
        }
        if (!a.limiter().tryAcquire()) {
            rateLimited.incrementAndGet();
            ctx.status(429).contentType("text/plain; charset=utf-8").result("Too Many Requests\n");
            ctx.skipRemainingHandlers();
            return;
        }
        if (!unauthenticatedPaths.contains(ctx.path()) && !a.auth().check(ctx.header("Authorization"))) {
            authFailures.incrementAndGet();
            ctx.status(401)
                    .header("WWW-Authenticate", "Basic")
                    .contentType("text/plain; charset=utf-8")
                    .result("Unauthorized\n");
            ctx.skipRemainingHandlers();
        }
    }

    /** Reloads when a watched file's content changed; cheap and throttled, safe to call often. */
    public void checkForChanges() {
        LoadedWebConfig current = active.loaded();
        if (current.source() == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        long last = lastCheck.get();
        if (now - last < checkIntervalNanos || !lastCheck.compareAndSet(last, now)) {
            return;
        }
        String fp = WebConfigLoader.fingerprint(current.watched());
        if (!fp.equals(current.fingerprint()) && !fp.equals(lastFailedFingerprint)) {
            reloadNow();
        }
    }

    /** Loads the web-config again now; true when the new one is in force. */
    public synchronized boolean reloadNow() {
        LoadedWebConfig current = active.loaded();
        if (current.source() == null) {
            return true;
        }
        LoadedWebConfig next;
        try {
            next = WebConfigLoader.load(current.source());
            if ((next.tls() == null) != (serverTls == null)) {
                throw new WebConfigException(current.source() + ": switching TLS " + (serverTls == null ? "on" : "off")
                        + " needs a restart; keeping the running configuration");
            }
            if (serverTls != null) {
                serverTls.update(next.tls());
            }
        } catch (Exception e) {
            lastFailedFingerprint = WebConfigLoader.fingerprint(current.watched());
            reloadFailed.incrementAndGet();
            lastReloadOk = false;
            LOG.error("web config reload failed, keeping the previous one: {}", e.getMessage());
            return false;
        }
        active = activate(next);
        lastFailedFingerprint = "";
        reloadOk.incrementAndGet();
        lastReloadOk = true;
        LOG.info("web config reloaded from {}", current.source());
        return true;
    }

    private Active activate(LoadedWebConfig loaded) {
        if (loaded.tls() != null) {
            var cert = loaded.tls().chain().get(0);
            try {
                cert.checkValidity();
            } catch (java.security.cert.CertificateException e) {
                LOG.warn(
                        "the TLS certificate from {} is not valid now (valid {} to {}); clients that verify will refuse it",
                        loaded.source(),
                        cert.getNotBefore().toInstant(),
                        cert.getNotAfter().toInstant());
            }
        }
        var rl = loaded.config().rateLimit();
        int burst = rl == null || rl.burst() == null ? 0 : rl.burst();
        return new Active(
                loaded,
                new BasicAuth(loaded.config().basicAuthUsers(), nanoTime, AUTH_CACHE_TTL),
                new RateLimiter(loaded.rateLimitInterval(), burst, nanoTime));
    }

    /** Self-metrics for the exposition; cheap. */
    public List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>();
        out.add(MetricFamily.builder(
                        "aiwatch_web_config_reloads_total",
                        MetricType.COUNTER,
                        "Reloads of the web-config after its files changed, by result.")
                .add(Labels.of("result", "success"), reloadOk.get())
                .add(Labels.of("result", "failure"), reloadFailed.get())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_web_config_last_reload_successful",
                        MetricType.GAUGE,
                        "1 when the last web-config reload succeeded (or none was needed), else 0.")
                .add(Labels.EMPTY, lastReloadOk ? 1 : 0)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_http_auth_failures_total",
                        MetricType.COUNTER,
                        "Requests refused with 401 for missing or wrong basic-auth credentials.")
                .add(Labels.EMPTY, authFailures.get())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_http_rate_limited_total",
                        MetricType.COUNTER,
                        "Requests refused with 429 by the web-config rate_limit.")
                .add(Labels.EMPTY, rateLimited.get())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_http_requests_too_large_total",
                        MetricType.COUNTER,
                        "Requests refused with 413 for a body over the limit.")
                .add(Labels.EMPTY, hardening == null ? 0 : hardening.rejectedTooLarge())
                .build());
        if (serverTls != null) {
            out.add(MetricFamily.builder(
                            "aiwatch_http_tls_handshake_failures_total",
                            MetricType.COUNTER,
                            "TLS handshakes that failed (bad client certificate, protocol version, cipher...).")
                    .add(Labels.EMPTY, handshakeFailures.get())
                    .build());
            out.add(MetricFamily.builder(
                            "aiwatch_tls_certificate_expiry_timestamp_seconds",
                            MetricType.GAUGE,
                            "Unix time at which the served TLS certificate expires.")
                    .add(
                            Labels.EMPTY,
                            active.loaded().tls().chain().get(0).getNotAfter().getTime() / 1000.0)
                    .build());
        }
        return out;
    }

    long authFailures() {
        return authFailures.get();
    }

    long reloadFailures() {
        return reloadFailed.get();
    }

    long handshakeFailures() {
        return handshakeFailures.get();
    }

    /** Counts failed TLS handshakes; Jetty adds connector beans of this type to each TLS connection. */
    private final class HandshakeCounter implements SslHandshakeListener {
        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            handshakeFailures.incrementAndGet();
            SSLEngine e = event.getSSLEngine();
            LOG.debug("TLS handshake failed ({}): {}", e.getPeerHost(), failure.toString());
        }
    }
}
