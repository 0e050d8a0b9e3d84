package io.aiwatch.reader.exposition;

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
    private final Cached text = new Cached(TextFormat.CONTENT_TYPE, false);
    private final Cached openMetrics = new Cached(OpenMetricsFormat.CONTENT_TYPE, true);

    public ProcessMetrics(Clock clock) {
        this.clock = clock;
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

    /** Text exposition 0.0.4 of the JVM and process meters, at most one second old. */
    public byte[] text() {
        return text.get();
    }

    /** The JVM and process meters in {@code format}, at most one second old, without {@code # EOF}. */
    public byte[] text(ContentNegotiation.Format format) {
        return format == ContentNegotiation.Format.OPENMETRICS_1_0_0 ? openMetrics.get() : text.get();
    }

    /** One format's text, refreshed at most once a second. */
    private final class Cached {
        private final String contentType;
        private final boolean stripEof;
        private volatile byte[] bytes = new byte[0];
        private volatile long atMillis = Long.MIN_VALUE / 2;

        Cached(String contentType, boolean stripEof) {
            this.contentType = contentType;
            this.stripEof = stripEof;
        }

        byte[] get() {
            long now = clock.millis();
            if (now - atMillis >= 1000) {
                synchronized (this) {
                    if (now - atMillis >= 1000) {
                        String s = registry.scrape(contentType);
                        if (stripEof && s.endsWith("# EOF\n")) {
                            s = s.substring(0, s.length() - "# EOF\n".length());
                        }
                        bytes = s.getBytes(StandardCharsets.UTF_8);
                        atMillis = now;
                    }
                }
            }
            return bytes;
        }
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
