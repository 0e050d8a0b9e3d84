package io.aiwatch.source.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.config.DurationText;
import java.time.Duration;
import java.util.List;

/**
 * The {@code gpu.kubernetes:} section: which pod, namespace and container hold each GPU, read from
 * the kubelet's PodResources API (dcgm-exporter's {@code -k}).
 *
 * @param enabled         attribute GPU series to pods (dcgm-exporter {@code -k}; default false)
 * @param socket          the kubelet pod-resources unix socket
 * @param gpuIdType       {@code uid} (GPU UUIDs, the NVIDIA device plugin) or {@code device-name}
 *                        ({@code nvidia0}, GKE's device plugin): how the kubelet names a GPU
 * @param resourceNames   extended resource names holding whole GPUs besides {@code nvidia.com/gpu};
 *                        {@code nvidia.com/mig-*} is always included
 * @param virtualGpus     time-sliced or MPS-shared GPUs: one series per sharing pod with a {@code vgpu}
 *                        label (dcgm-exporter {@code --kubernetes-virtual-gpus}); otherwise one pod per GPU
 * @param oldLabelNames   dcgm-exporter 1.x label names {@code pod_name}, {@code pod_namespace},
 *                        {@code container_name} ({@code -o})
 * @param refreshInterval how often the mapping is re-read in the background (default 5s)
 * @param timeout         bound on one List call (default 10s, as dcgm-exporter)
 */
public record KubernetesConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("socket") String socket,
        @JsonProperty("gpu_id_type") String gpuIdType,
        @JsonProperty("resource_names") List<String> resourceNames,
        @JsonProperty("virtual_gpus") Boolean virtualGpus,
        @JsonProperty("old_label_names") Boolean oldLabelNames,
        @JsonProperty("refresh_interval") String refreshInterval,
        @JsonProperty("timeout") String timeout) {

    /** dcgm-exporter's default socket path. */
    public static final String DEFAULT_SOCKET = "/var/lib/kubelet/pod-resources/kubelet.sock";

    public KubernetesConfig {
        enabled = enabled != null && enabled;
        socket = socket == null ? DEFAULT_SOCKET : socket;
        gpuIdType = gpuIdType == null ? "uid" : gpuIdType;
        resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
        virtualGpus = virtualGpus != null && virtualGpus;
        oldLabelNames = oldLabelNames != null && oldLabelNames;
        refreshInterval = refreshInterval == null ? "5s" : refreshInterval;
        timeout = timeout == null ? "10s" : timeout;
        if (!gpuIdType.equals("uid") && !gpuIdType.equals("device-name")) {
            throw new IllegalArgumentException("gpu_id_type must be uid or device-name, not '" + gpuIdType + "'");
        }
        if (socket.isBlank()) {
            throw new IllegalArgumentException("kubernetes socket must not be empty");
        }
        positive(DurationText.parse(refreshInterval), "refresh_interval");
        positive(DurationText.parse(timeout), "timeout");
    }

    public static KubernetesConfig defaults() {
        return new KubernetesConfig(null, null, null, null, null, null, null, null);
    }

    public Duration refreshDuration() {
        return DurationText.parse(refreshInterval);
    }

    public Duration timeoutDuration() {
        return DurationText.parse(timeout);
    }

    public KubernetesConfig withEnabled(boolean value) {
        return new KubernetesConfig(
                value, socket, gpuIdType, resourceNames, virtualGpus, oldLabelNames, refreshInterval, timeout);
    }

    public KubernetesConfig withSocket(String value) {
        return new KubernetesConfig(
                enabled, value, gpuIdType, resourceNames, virtualGpus, oldLabelNames, refreshInterval, timeout);
    }

    public KubernetesConfig withGpuIdType(String value) {
        return new KubernetesConfig(
                enabled, socket, value, resourceNames, virtualGpus, oldLabelNames, refreshInterval, timeout);
    }

    public KubernetesConfig withResourceNames(List<String> value) {
        return new KubernetesConfig(
                enabled, socket, gpuIdType, value, virtualGpus, oldLabelNames, refreshInterval, timeout);
    }

    public KubernetesConfig withVirtualGpus(boolean value) {
        return new KubernetesConfig(
                enabled, socket, gpuIdType, resourceNames, value, oldLabelNames, refreshInterval, timeout);
    }

    public KubernetesConfig withOldLabelNames(boolean value) {
        return new KubernetesConfig(
                enabled, socket, gpuIdType, resourceNames, virtualGpus, value, refreshInterval, timeout);
    }

    public KubernetesConfig withRefreshInterval(String value) {
        return new KubernetesConfig(
                enabled, socket, gpuIdType, resourceNames, virtualGpus, oldLabelNames, value, timeout);
    }

    private static void positive(Duration d, String key) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }
}
