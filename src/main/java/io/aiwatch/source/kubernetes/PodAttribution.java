package io.aiwatch.source.kubernetes;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.gpu.SeriesAttribution;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Pod attribution of GPU series (dcgm-exporter's {@code -k}): a collector that reads the kubelet's
 * PodResources {@code List} in the background on its own schedule and keeps the latest
 * {@link DeviceMap}; the GPU collectors ask it for labels on every cycle and never wait for the
 * kubelet. It fails soft: a missing socket or a failed call is counted by reason, shown on the
 * status page and in {@code aiwatch_kubernetes_pod_resources_up}, never an error of the run (so it
 * never makes the daemon unready). The last good mapping is kept for three refresh intervals,
 * then dropped, and series lose their pod labels rather than keep wrong ones.
 */
public final class PodAttribution implements Collector, SeriesAttribution {
    private static final Logger LOG = Logger.getLogger(PodAttribution.class.getName());

    private final KubernetesConfig config;
    private final PodResourcesClient client;
    private final Map<String, String> migDevices;
    private final Clock clock;
    private final Map<String, Long> errors = new TreeMap<>();
    private volatile DeviceMap mapping = DeviceMap.EMPTY;
    private volatile String status = "kubelet pod-resources: not read yet";
    private Instant lastSuccess;
    private String lastLogged;

    /**
     * @param migDevices MIG device UUID ({@code MIG-…}) to its {@code <gpu>-<GPU_I_ID>} key, from NVML
     */
    public PodAttribution(KubernetesConfig config, Map<String, String> migDevices, Clock clock) {
        this(
                config,
                new PodResourcesClient(java.nio.file.Path.of(config.socket()), config.timeoutDuration(), 16 << 20),
                migDevices,
                clock);
    }

    PodAttribution(KubernetesConfig config, PodResourcesClient client, Map<String, String> migDevices, Clock clock) {
        this.config = config;
        this.client = client;
        this.migDevices = Map.copyOf(migDevices);
        this.clock = clock;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Duration interval() {
        return config.refreshDuration();
    }

    /** One line for the status page: how the last read went. */
    public String status() {
        return status;
    }

    @Override
    public Snapshot collect() {
        boolean up;
        try {
            List<PodResources> pods = client.list();
            mapping = DeviceMap.of(pods, config, migDevices);
            lastSuccess = clock.instant();
            up = true;
            status = "kubelet pod-resources: " + pods.size() + " pods, " + mapping.size() + " GPU ids attributed (read "
                    + lastSuccess + ")";
            lastLogged = null;
        } catch (PodResourcesClient.CallException e) {
            up = false;
            errors.merge(e.reason(), 1L, Long::sum);
            Instant now = clock.instant();
            if (lastSuccess == null
                    || Duration.between(lastSuccess, now).compareTo(interval().multipliedBy(3)) > 0) {
                mapping = DeviceMap.EMPTY;
            }
            status = "kubelet pod-resources: " + e.getMessage() + " (GPU series have no pod labels"
                    + (mapping.size() > 0 ? " once the mapping of " + lastSuccess + " expires" : "") + ")";
            if (!e.getMessage().equals(lastLogged)) { // log a problem once, not every refresh
                LOG.warning(status);
                lastLogged = e.getMessage();
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // list() reports every failure as a CallException
        }
        var upFamily = MetricFamily.builder(
                        "aiwatch_kubernetes_pod_resources_up",
                        MetricType.GAUGE,
                        "1 when the last List call to the kubelet's PodResources API succeeded, else 0.")
                .add(Labels.EMPTY, up ? 1 : 0);
        var errorFamily = MetricFamily.builder(
                "aiwatch_kubernetes_pod_resources_errors_total",
                MetricType.COUNTER,
                "Failed List calls to the kubelet's PodResources API, by reason (socket_missing, timeout, grpc_N, error, too_large).");
        errors.forEach((reason, n) -> errorFamily.add(Labels.of("reason", reason), n));
        var attributed = MetricFamily.builder(
                        "aiwatch_kubernetes_attributed_gpu_ids",
                        MetricType.GAUGE,
                        "GPU and MIG device ids the kubelet assigned to pods, as last read.")
                .add(Labels.EMPTY, mapping.size());
        return Snapshot.of(List.of(upFamily.build(), errorFamily.build(), attributed.build()));
    }

    @Override
    public List<Labels> labels(Key key) {
        String id;
        if (key.gpuInstanceId() >= 0) {
            id = key.gpu() + "-" + key.gpuInstanceId();
        } else {
            id = config.gpuIdType().equals("device-name") ? key.device() : key.uuid();
        }
        return mapping.labels(id);
    }

    @Override
    public void close() {
        client.close();
    }
}
