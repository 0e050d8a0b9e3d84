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
    boolean smallClientWindow() {
        return false;
    }
}
