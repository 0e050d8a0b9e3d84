package io.aiwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.inference.InferenceConfig;

/**
 * The root of the daemon's YAML configuration. Every section is optional; flags override it.
 *
 * @param listen HOST:PORT to serve on (default {@code :9400}, all interfaces)
 * @param gpu       the {@code gpu:} section
 * @param inference the {@code inference:} section (vLLM endpoints to scrape)
 */
public record DaemonConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("gpu") GpuConfig gpu,
        @JsonProperty("inference") InferenceConfig inference) {

    public DaemonConfig {
        listen = listen == null ? ":9400" : listen;
        ListenAddress.parse(listen);
        gpu = gpu == null ? GpuConfig.defaults() : gpu;
        inference = inference == null ? InferenceConfig.defaults() : inference;
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null, null);
    }

    public DaemonConfig withListen(String value) {
        return new DaemonConfig(value, gpu, inference);
    }

    public DaemonConfig withGpu(GpuConfig value) {
        return new DaemonConfig(listen, value, inference);
    }

    public DaemonConfig withInference(InferenceConfig value) {
        return new DaemonConfig(listen, gpu, value);
    }
}
