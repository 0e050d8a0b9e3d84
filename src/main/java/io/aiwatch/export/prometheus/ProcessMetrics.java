package io.aiwatch.export.prometheus;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The daemon's own JVM and process metrics (memory, GC, threads, CPU, file descriptors), kept by
 * Micrometer's standard binders. The text is refreshed at most once per second so that a burst
 * of concurrent scrapes costs one Micrometer scrape, not one each.
 */
public final class ProcessMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Clock clock;
    private volatile byte[] cached = new byte[0];
    private volatile long cachedAtMillis = Long.MIN_VALUE / 2;

    public ProcessMetrics(Clock clock) {
        this.clock = clock;
        // Two of Micrometer's process meters break Prometheus naming rules as promtool lints them
        // (an abbreviated unit, a _count gauge); process_cpu_usage and the JVM meters cover the same ground.
        registry.config().meterFilter(MeterFilter.deny(id ->
                id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Text exposition of the JVM and process meters, at most one second old. */
    public byte[] text() {
        long now = clock.millis();
        if (now - cachedAtMillis >= 1000) {
            synchronized (this) {
                if (now - cachedAtMillis >= 1000) {
                    cached = registry.scrape().getBytes(StandardCharsets.UTF_8);
                    cachedAtMillis = now;
                }
            }
        }
        return cached;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
