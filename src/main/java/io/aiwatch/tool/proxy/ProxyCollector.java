package io.aiwatch.tool.proxy;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.reader.otlp.GenAiSpans;
import java.time.Duration;

/**
 * Puts a running proxy's {@code aiwatch_client_*} families into the daemon's store. The proxy's
 * histograms live in memory, so a collection is a copy, never I/O. Closing the collector stops the
 * proxy it started.
 */
public final class ProxyCollector implements Collector {
    private final MeasuringProxy proxy;
    private final Duration interval;

    public ProxyCollector(MeasuringProxy proxy, Duration interval) {
        this.proxy = proxy;
        this.interval = interval;
    }

    /** Starts a proxy from {@code config} and wraps it; collected every {@code interval}. */
    public static ProxyCollector start(ProxyConfig config, Duration interval) {
        return start(config, interval, null);
    }

    /** As {@link #start(ProxyConfig, Duration)}, recording request spans into {@code spans} (null: none). */
    public static ProxyCollector start(ProxyConfig config, Duration interval, GenAiSpans spans) {
        return new ProxyCollector(MeasuringProxy.start(config, spans), interval);
    }

    public MeasuringProxy proxy() {
        return proxy;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Snapshot collect() {
        return Snapshot.of(proxy.families());
    }

    @Override
    public void close() {
        proxy.close();
    }
}
