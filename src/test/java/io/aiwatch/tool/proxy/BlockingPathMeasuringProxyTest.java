package io.aiwatch.tool.proxy;

/**
 * The same behaviour on the blocking path (a request thread per stream, {@link UpstreamClient}),
 * which https upstreams use; here forced for a plain-HTTP upstream.
 */
class BlockingPathMeasuringProxyTest extends MeasuringProxyTest {
    @Override
    MeasuringProxy startProxy(ProxyConfig config) {
        return MeasuringProxy.start(config, null, true);
    }

    @Override
    MeasuringProxy startProxy(ProxyConfig config, io.aiwatch.testing.ManualTicker ticker) {
        return MeasuringProxy.start(config, null, true, ticker);
    }

    @Override
    double silenceTimeoutSeconds() {
        return 1; // the socket's read timeout, wall time
    }

    @Override
    boolean smallClientWindow() {
        return false;
    }
}
