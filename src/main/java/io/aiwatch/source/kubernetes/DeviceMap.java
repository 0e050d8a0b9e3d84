package io.aiwatch.source.kubernetes;

import io.aiwatch.collect.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device id → the labels of the pods using it, built from one {@code List} response with
 * dcgm-exporter's rules ({@code internal/pkg/transformation/kubernetes.go}):
 *
 * <ul>
 *   <li>only devices of {@code nvidia.com/gpu}, the configured extra resource names, and
 *       {@code nvidia.com/mig-*} count;
 *   <li>{@code MIG-<uuid>[::N]} is keyed {@code <gpu>-<GPU_I_ID>} (from NVML's view of the MIG
 *       devices) and by the UUID without {@code MIG-}; GKE's {@code nvidia<i>/gi<g>[/vgpuN]} is keyed
 *       {@code <i>-<g>}; GKE's shared {@code nvidia0/vgpu3} is keyed {@code nvidia0}; the device
 *       plugin's time-slicing {@code GPU-…::N} is keyed {@code GPU-…}; the raw id is always a key;
 *   <li>without virtual GPUs one pod holds a device (the last one listed wins); with them every
 *       sharing pod gets a series of its own with {@code vgpu} set to the replica number.
 * </ul>
 *
 * Labels follow dcgm-exporter's attribute order: {@code container}, {@code namespace}, {@code pod},
 * then {@code vgpu}; with old names {@code container_name}, {@code pod_name}, {@code pod_namespace}.
 */
final class DeviceMap {
    static final DeviceMap EMPTY = new DeviceMap(Map.of());

    private static final Pattern GKE_MIG = Pattern.compile("^nvidia([0-9]+)/gi([0-9]+)(/vgpu[0-9]+)?$");
    private static final String GKE_SHARED = "/vgpu";

    private final Map<String, List<Labels>> byId;

    private DeviceMap(Map<String, List<Labels>> byId) {
        this.byId = byId;
    }

    /** Number of device ids (keys) attributed. */
    int size() {
        return byId.size();
    }

    List<Labels> labels(String id) {
        return byId.getOrDefault(id, List.of());
    }

    static DeviceMap of(List<PodResources> pods, KubernetesConfig config, Map<String, String> migDevices) {
        Map<String, List<Labels>> byId = new HashMap<>();
        for (PodResources pod : pods) {
            for (PodResources.Container c : pod.containers()) {
                for (PodResources.Devices d : c.devices()) {
                    String resource = d.resourceName();
                    if (!resource.equals("nvidia.com/gpu")
                            && !config.resourceNames().contains(resource)
                            && !resource.startsWith("nvidia.com/mig-")) {
                        continue;
                    }
                    for (String id : d.deviceIds()) {
                        Labels labels = labels(pod, c, config, config.virtualGpus() ? sharedReplica(id) : null);
                        for (String key : keys(id, migDevices)) {
                            if (config.virtualGpus()) {
                                byId.computeIfAbsent(key, k -> new ArrayList<>())
                                        .add(labels);
                            } else {
                                byId.put(key, List.of(labels));
                            }
                        }
                    }
                }
            }
        }
        Map<String, List<Labels>> frozen = new HashMap<>();
        byId.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new DeviceMap(Map.copyOf(frozen));
    }

    private static Labels labels(PodResources pod, PodResources.Container c, KubernetesConfig config, String vgpu) {
        Labels l = config.oldLabelNames()
                ? Labels.of("container_name", c.name(), "pod_name", pod.name(), "pod_namespace", pod.namespace())
                : Labels.of("container", c.name(), "namespace", pod.namespace(), "pod", pod.name());
        return vgpu == null ? l : l.and("vgpu", vgpu);
    }

    /** The replica number of a shared GPU ({@code nvidia0/vgpu3} → 3, {@code GPU-…::2} → 2), or null. */
    static String sharedReplica(String id) {
        int gke = id.indexOf(GKE_SHARED);
        if (gke >= 0) {
            return id.substring(gke + GKE_SHARED.length());
        }
        int nv = id.indexOf("::");
        return nv >= 0 ? id.substring(nv + 2) : null;
    }

    static List<String> keys(String id, Map<String, String> migDevices) {
        List<String> keys = new ArrayList<>(3);
        Matcher gkeMig;
        if (id.startsWith("MIG-")) {
            int suffix = id.indexOf("::");
            String mig = suffix >= 0 ? id.substring(0, suffix) : id;
            String instance = migDevices.get(mig);
            if (instance != null) {
                keys.add(instance);
            }
            keys.add(mig.substring("MIG-".length()));
        } else if ((gkeMig = GKE_MIG.matcher(id)).matches()) {
            keys.add(gkeMig.group(1) + "-" + gkeMig.group(2));
        } else if (id.contains(GKE_SHARED)) {
            keys.add(id.substring(0, id.indexOf(GKE_SHARED)));
        } else if (id.contains("::")) {
            keys.add(id.substring(0, id.indexOf("::")));
        }
        keys.add(id);
        return keys;
    }
}
