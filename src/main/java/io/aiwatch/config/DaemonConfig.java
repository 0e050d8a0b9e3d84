package io.aiwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The root of the daemon's YAML configuration. Every section is optional; flags override it.
 *
 * @param listen HOST:PORT to serve on (default {@code :9400}, all interfaces)
 * @param gpu    the {@code gpu:} section
 */
public record DaemonConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("gpu") GpuConfig gpu) {

    public DaemonConfig {
        listen = listen == null ? ":9400" : listen;
        ListenAddress.parse(listen);
        gpu = gpu == null ? GpuConfig.defaults() : gpu;
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null);
    }

    public DaemonConfig withListen(String value) {
        return new DaemonConfig(value, gpu);
    }

    public DaemonConfig withGpu(GpuConfig value) {
        return new DaemonConfig(listen, value);
    }
}
