package io.aiwatch.source.jvm;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Snapshot;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The daemon's own JVM and process metrics (memory, GC, threads, classes, CPU, file descriptors,
 * uptime), kept by Micrometer's standard binders and published as a snapshot once a second like
 * any other source, so {@code /metrics} renders them once per snapshot and OTLP exports them too.
 */
public final class JvmCollector implements Collector {
    /** One Micrometer scrape a second at most, however many readers there are. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public JvmCollector() {
        // Two of Micrometer's process meters break Prometheus naming rules as promtool lints them
        // (an abbreviated unit, a _count gauge); process_cpu_usage and the JVM meters cover the same ground.
        registry.config()
                .meterFilter(MeterFilter.deny(id ->
                        id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public Duration interval() {
        return INTERVAL;
    }

    @Override
    public Snapshot collect() {
        return Snapshot.of(
                MicrometerFamilies.of(registry.getPrometheusRegistry().scrape()));
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
