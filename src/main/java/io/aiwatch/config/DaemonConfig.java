package io.aiwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.export.otlp.OtlpConfig;
import io.aiwatch.inference.InferenceConfig;
import io.aiwatch.storage.StorageConfig;

/**
 * The root of the daemon's YAML configuration. Every section is optional; flags override it.
 *
 * @param listen HOST:PORT to serve on (default {@code :9400}, all interfaces)
 * @param gpu       the {@code gpu:} section
 * @param inference the {@code inference:} section (vLLM endpoints to scrape)
 * @param storage   the {@code storage:} section (disks, filesystems, ZFS, process reads)
 * @param http      the {@code http:} section (web-config file, server hardening)
 * @param otlp      the {@code otlp:} section (OpenTelemetry push)
 */
public record DaemonConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("gpu") GpuConfig gpu,
        @JsonProperty("inference") InferenceConfig inference,
        @JsonProperty("storage") StorageConfig storage,
        @JsonProperty("http") HttpConfig http,
        @JsonProperty("otlp") OtlpConfig otlp) {

    public DaemonConfig {
        listen = listen == null ? ":9400" : listen;
        ListenAddress.parse(listen);
        gpu = gpu == null ? GpuConfig.defaults() : gpu;
        inference = inference == null ? InferenceConfig.defaults() : inference;
        storage = storage == null ? StorageConfig.defaults() : storage;
        http = http == null ? HttpConfig.defaults() : http;
        otlp = otlp == null ? OtlpConfig.defaults() : otlp;
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null, null, null, null, null);
    }

    public DaemonConfig withListen(String value) {
        return new DaemonConfig(value, gpu, inference, storage, http, otlp);
    }

    public DaemonConfig withGpu(GpuConfig value) {
        return new DaemonConfig(listen, value, inference, storage, http, otlp);
    }

    public DaemonConfig withInference(InferenceConfig value) {
        return new DaemonConfig(listen, gpu, value, storage, http, otlp);
    }

    public DaemonConfig withStorage(StorageConfig value) {
        return new DaemonConfig(listen, gpu, inference, value, http, otlp);
    }

    public DaemonConfig withHttp(HttpConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, value, otlp);
    }

    public DaemonConfig withOtlp(OtlpConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, value);
    }
}
