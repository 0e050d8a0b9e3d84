package io.aiwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.alert.AlertingConfig;
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
 * @param alerting  the {@code alerting:} section (rule files, Alertmanagers)
 */
public record DaemonConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("gpu") GpuConfig gpu,
        @JsonProperty("inference") InferenceConfig inference,
        @JsonProperty("storage") StorageConfig storage,
        @JsonProperty("http") HttpConfig http,
        @JsonProperty("alerting") AlertingConfig alerting) {

    public DaemonConfig {
        listen = listen == null ? ":9400" : listen;
        ListenAddress.parse(listen);
        gpu = gpu == null ? GpuConfig.defaults() : gpu;
        inference = inference == null ? InferenceConfig.defaults() : inference;
        storage = storage == null ? StorageConfig.defaults() : storage;
        http = http == null ? HttpConfig.defaults() : http;
        alerting = alerting == null ? AlertingConfig.defaults() : alerting;
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null, null, null, null, null);
    }

    public DaemonConfig withListen(String value) {
        return new DaemonConfig(value, gpu, inference, storage, http, alerting);
    }

    public DaemonConfig withGpu(GpuConfig value) {
        return new DaemonConfig(listen, value, inference, storage, http, alerting);
    }

    public DaemonConfig withInference(InferenceConfig value) {
        return new DaemonConfig(listen, gpu, value, storage, http, alerting);
    }

    public DaemonConfig withStorage(StorageConfig value) {
        return new DaemonConfig(listen, gpu, inference, value, http, alerting);
    }

    public DaemonConfig withHttp(HttpConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, value, alerting);
    }

    public DaemonConfig withAlerting(AlertingConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, value);
    }
}
