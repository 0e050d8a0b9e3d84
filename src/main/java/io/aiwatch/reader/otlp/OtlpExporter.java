package io.aiwatch.reader.otlp;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.SnapshotStore;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pushes the store to an OTLP collector every interval, through the OpenTelemetry SDK's OTLP
 * exporter (http/protobuf or gRPC, its timeout, compression and {@link RetryPolicy}).
 *
 * <p>At most one export is in flight: a tick that finds the previous export (with its retries)
 * still running is skipped and counted, so a slow or dead collector costs one batch of memory,
 * never a queue. The push runs on its own daemon thread and catches everything, so a failing
 * collector endpoint cannot disturb collection or /metrics. Its state is visible as
 * {@code aiwatch_otlp_*} families ({@link #families()}, published by a collector the daemon runs).
 */
public final class OtlpExporter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OtlpExporter.class.getName());

    private final StoreMetricProducer producer;
    private final Resource resource;
    private final MetricExporter exporter;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong points = new AtomicLong();
    private volatile long lastDurationNanos;
    private volatile long lastSuccessMillis;
    private volatile boolean lastFailed;

    OtlpExporter(StoreMetricProducer producer, Resource resource, MetricExporter exporter, Clock clock) {
        this.producer = producer;
        this.resource = resource;
        this.exporter = exporter;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "otlp-export");
            t.setDaemon(true);
            return t;
        });
    }

    /** Builds the SDK exporter for {@code settings} and starts pushing every interval. */
    public static OtlpExporter start(
            OtlpSettings settings, StoreMetricProducer producer, Resource resource, Clock clock) {
        OtlpExporter e = new OtlpExporter(producer, resource, sdkExporter(settings, RetryPolicy.getDefault()), clock);
        long every = settings.interval().toNanos();
        e.scheduler.scheduleAtFixedRate(e::tick, every, every, TimeUnit.NANOSECONDS);
        LOG.info("OTLP export to " + settings); // settings print header names only
        return e;
    }

    /**
     * The daemon's entry point: the exporter {@code config} and {@code env} describe, already
     * pushing, or null when OTLP is off ({@code enabled} false, or {@code OTEL_SDK_DISABLED=true}).
     * It exports what the store holds; its own {@code aiwatch_otlp_*} families get there as any
     * reader's do, through a collector over {@link #families()}.
     *
     * @throws IllegalArgumentException when a setting is invalid, naming the key or variable
     */
    public static OtlpExporter fromConfig(
            OtlpConfig config, Map<String, String> env, SnapshotStore store, String version, Clock clock) {
        if (!config.isEnabled()
                || "true"
                        .equalsIgnoreCase(
                                env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
            return null;
        }
        OtlpSettings settings = OtlpSettings.resolve(config, env);
        Resource resource = OtlpResource.build(version, hostName(env), env, config.resourceAttributes());
        return start(settings, new StoreMetricProducer(store, version), resource, clock);
    }

    static String hostName(Map<String, String> env) {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return env.getOrDefault("HOSTNAME", "unknown");
        }
    }

    /** The SDK's OTLP exporter: cumulative temporality, our timeout, compression, headers and retry policy. */
    static MetricExporter sdkExporter(OtlpSettings s, RetryPolicy retry) {
        String compression = s.gzip() ? "gzip" : "none";
        AggregationTemporalitySelector cumulative = AggregationTemporalitySelector.alwaysCumulative();
        if (s.protocol() == OtlpSettings.Protocol.GRPC) {
            JdkHttpSender.requireGrpc("otlp");
            var b = OtlpGrpcMetricExporter.builder()
                    .setEndpoint(s.endpoint().toString())
                    .setTimeout(s.timeout())
                    .setConnectTimeout(s.timeout())
                    .setCompression(compression)
                    .setRetryPolicy(retry)
                    .setAggregationTemporalitySelector(cumulative);
            s.headers().forEach(b::addHeader);
            return b.build();
        }
        JdkHttpSender.select();
        var b = OtlpHttpMetricExporter.builder()
                .setEndpoint(s.endpoint().toString())
                .setTimeout(s.timeout())
                .setConnectTimeout(s.timeout())
                .setCompression(compression)
                .setRetryPolicy(retry)
                .setAggregationTemporalitySelector(cumulative);
        s.headers().forEach(b::addHeader);
        return b.build();
    }

    /**
     * One push: read the store and hand the batch to the SDK exporter, unless the previous one is
     * still running. Never throws.
     */
    void tick() {
        if (closed.get()) {
            return;
        }
        if (!inFlight.compareAndSet(false, true)) {
            skipped.incrementAndGet();
            return;
        }
        long started = System.nanoTime();
        try {
            Collection<MetricData> batch = producer.produce(resource);
            int n = batch.stream().mapToInt(m -> m.getData().getPoints().size()).sum();
            CompletableResultCode result = exporter.export(batch);
            result.whenComplete(() -> finish(result, n, started));
        } catch (Throwable t) {
            failures.incrementAndGet();
            lastFailed = true;
            inFlight.set(false);
            LOG.log(Level.WARNING, "OTLP export failed before sending", t);
        }
    }

    private void finish(CompletableResultCode result, int n, long started) {
        lastDurationNanos = System.nanoTime() - started;
        if (result.isSuccess()) {
            successes.incrementAndGet();
            points.addAndGet(n);
            lastSuccessMillis = clock.millis();
            if (lastFailed) {
                LOG.info("OTLP export succeeds again");
            }
            lastFailed = false;
        } else {
            failures.incrementAndGet();
            if (!lastFailed) {
                // The SDK logs each failure itself; we note the transition only.
                LOG.warning("OTLP export failing (after the SDK's retries); will keep trying every interval");
            }
            lastFailed = true;
        }
        inFlight.set(false);
    }

    /** For tests and shutdown: waits until no export is in flight, at most {@code limit}; true when idle. */
    boolean awaitIdle(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return !inFlight.get();
    }

    /** Exports still pending: 0 or 1. */
    public int inFlight() {
        return inFlight.get() ? 1 : 0;
    }

    public long successes() {
        return successes.get();
    }

    public long failures() {
        return failures.get();
    }

    public long skipped() {
        return skipped.get();
    }

    /** The exporter's own health, for /metrics. */
    public List<MetricFamily> families() {
        Labels none = Labels.EMPTY;
        var exports = MetricFamily.builder(
                "aiwatch_otlp_exports_total",
                MetricType.COUNTER,
                "OTLP exports finished, by result (failure: after the SDK's retries).");
        exports.add(Labels.of("result", "success"), successes.get());
        exports.add(Labels.of("result", "failure"), failures.get());
        var out = new java.util.ArrayList<MetricFamily>();
        out.add(exports.build());
        out.add(MetricFamily.builder(
                        "aiwatch_otlp_exports_skipped_total",
                        MetricType.COUNTER,
                        "Export ticks skipped because the previous export was still running.")
                .add(none, skipped.get())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_otlp_points_exported_total",
                        MetricType.COUNTER,
                        "Data points in successful OTLP exports.")
                .add(none, points.get())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_otlp_export_in_flight",
                        MetricType.GAUGE,
                        "1 while an OTLP export (with its retries) is running.")
                .add(none, inFlight())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_otlp_last_export_duration_seconds",
                        MetricType.GAUGE,
                        "Wall time of the last finished OTLP export including retries, seconds.")
                .add(none, lastDurationNanos / 1e9)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_otlp_series", MetricType.GAUGE, "Series the OTLP bridge keeps a start time for.")
                .add(none, producer.trackedSeries())
                .build());
        if (lastSuccessMillis > 0) {
            out.add(MetricFamily.builder(
                            "aiwatch_otlp_last_success_timestamp_seconds",
                            MetricType.GAUGE,
                            "Unix time of the last successful OTLP export.")
                    .add(none, lastSuccessMillis / 1e3)
                    .build());
        }
        return out;
    }

    /** Stops the schedule, gives a running export up to {@code wait} to finish, and shuts the SDK exporter down. */
    public void close(Duration wait) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            exporter.flush().join(wait.toMillis(), TimeUnit.MILLISECONDS);
            exporter.shutdown().join(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "OTLP exporter shutdown", e);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
