package io.aiwatch.daemon;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.config.ListenAddress;
import io.aiwatch.reader.alert.AlertingConfig;
import io.aiwatch.reader.http.HttpConfig;
import io.aiwatch.reader.otlp.OtlpConfig;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.inference.InferenceConfig;
import io.aiwatch.source.kubernetes.KubernetesConfig;
import io.aiwatch.source.storage.StorageConfig;
import io.aiwatch.tool.proxy.ProxyConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;

/**
 * The root of the daemon's YAML configuration: one section per feature, each section the
 * feature's own record (so {@code config} knows none of them). Every section is optional; flags
 * override it.
 *
 * @param listen    HOST:PORT to serve on (default {@code :9400}, all interfaces)
 * @param gpu       the {@code gpu:} section
 * @param inference the {@code inference:} section (vLLM endpoints to scrape)
 * @param storage   the {@code storage:} section (disks, filesystems, ZFS, process reads)
 * @param http      the {@code http:} section (web-config file, server hardening)
 * @param simulator the {@code simulator:} section: a vLLM-compatible simulator run inside the daemon (absent = none);
 *                  its /metrics becomes an inference target and its load drives the simulated GPUs
 * @param proxy     the {@code proxy:} section: the measuring proxy run inside the daemon (absent = none);
 *                  its client-side families appear on the daemon's /metrics
 * @param otlp      the {@code otlp:} section (OpenTelemetry push)
 * @param alerting  the {@code alerting:} section (rule files evaluated in the daemon, Alertmanagers)
 * @param kubernetes the {@code kubernetes:} section: GPU series attributed to pods (dcgm-exporter {@code -k})
 */
public record DaemonConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("gpu") GpuConfig gpu,
        @JsonProperty("inference") InferenceConfig inference,
        @JsonProperty("storage") StorageConfig storage,
        @JsonProperty("http") HttpConfig http,
        @JsonProperty("simulator") SimulatorConfig simulator,
        @JsonProperty("proxy") ProxyConfig proxy,
        @JsonProperty("otlp") OtlpConfig otlp,
        @JsonProperty("alerting") AlertingConfig alerting,
        @JsonProperty("kubernetes") KubernetesConfig kubernetes) {

    public DaemonConfig {
        listen = listen == null ? ":9400" : listen;
        ListenAddress.parse(listen);
        gpu = gpu == null ? GpuConfig.defaults() : gpu;
        inference = inference == null ? InferenceConfig.defaults() : inference;
        storage = storage == null ? StorageConfig.defaults() : storage;
        http = http == null ? HttpConfig.defaults() : http;
        otlp = otlp == null ? OtlpConfig.defaults() : otlp;
        alerting = alerting == null ? AlertingConfig.defaults() : alerting;
        kubernetes = kubernetes == null ? KubernetesConfig.defaults() : kubernetes;
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null, null, null, null, null, null, null, null, null);
    }

    public DaemonConfig withKubernetes(KubernetesConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, simulator, proxy, otlp, alerting, value);
    }

    public DaemonConfig withListen(String value) {
        return new DaemonConfig(value, gpu, inference, storage, http, simulator, proxy, otlp, alerting, kubernetes);
    }

    public DaemonConfig withGpu(GpuConfig value) {
        return new DaemonConfig(listen, value, inference, storage, http, simulator, proxy, otlp, alerting, kubernetes);
    }

    public DaemonConfig withHttp(HttpConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, value, simulator, proxy, otlp, alerting, kubernetes);
    }

    public DaemonConfig withSimulator(SimulatorConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, value, proxy, otlp, alerting, kubernetes);
    }

    public DaemonConfig withProxy(ProxyConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, simulator, value, otlp, alerting, kubernetes);
    }

    public DaemonConfig withOtlp(OtlpConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, simulator, proxy, value, alerting, kubernetes);
    }

    public DaemonConfig withAlerting(AlertingConfig value) {
        return new DaemonConfig(listen, gpu, inference, storage, http, simulator, proxy, otlp, value, kubernetes);
    }
}
