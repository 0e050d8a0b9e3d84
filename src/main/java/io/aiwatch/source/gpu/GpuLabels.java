package io.aiwatch.source.gpu;

import io.aiwatch.collect.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The label set of every GPU and MIG GPU instance, read once at start (label fields such as the
 * VBIOS version do not change while the driver is loaded) and shared by the GPU collectors.
 *
 * <p>dcgm-exporter's label order: gpu, UUID, pci_bus_id, device, modelName, then for a MIG instance
 * GPU_I_PROFILE and GPU_I_ID, then Hostname, then the label fields sorted by name.
 */
public final class GpuLabels {
    private final Map<Integer, Labels> devices = new HashMap<>();
    /** By GPU index, then GPU-instance id (in id order). */
    private final Map<Integer, Map<Integer, Labels>> instances = new HashMap<>();

    private GpuLabels() {}

    /** Reads the label fields of {@code selection} from every device; failures go through {@code health}. */
    public static GpuLabels read(
            GpuBackend backend, CountersFile.Selection selection, GpuHealth health, GpuCollector.Settings settings) {
        List<DcgmField> labelFields = new ArrayList<>();
        for (CountersFile.Entry e : selection.entries()) {
            if (e.field().kind() == DcgmField.Kind.LABEL) {
                labelFields.add(e.field());
            }
        }
        GpuLabels labels = new GpuLabels();
        for (GpuDeviceInfo d : backend.devices()) {
            TreeMap<String, String> fieldLabels = new TreeMap<>();
            GpuBackend.DeviceReader reader = backend.reader(d.index());
            for (DcgmField f : labelFields) {
                try {
                    fieldLabels.put(f.name(), reader.readLabel(f));
                } catch (GpuCallException e) {
                    health.record(d.index(), f.name(), e);
                }
            }
            labels.devices.put(d.index(), labels(d, null, fieldLabels, settings));
            Map<Integer, Labels> byInstance = new TreeMap<>();
            for (GpuInstance gi : backend.instances(d.index())) {
                byInstance.put(gi.id(), labels(d, gi, fieldLabels, settings));
            }
            labels.instances.put(d.index(), byInstance);
        }
        return labels;
    }

    /** The labels of GPU {@code index}. */
    public Labels device(int index) {
        return devices.get(index);
    }

    /** The labels of the MIG GPU instances of GPU {@code index} by instance id; empty without MIG. */
    public Map<Integer, Labels> instances(int index) {
        return instances.getOrDefault(index, Map.of());
    }

    private static Labels labels(
            GpuDeviceInfo d,
            GpuInstance instance,
            TreeMap<String, String> fieldLabels,
            GpuCollector.Settings settings) {
        String model = settings.dashedModelName() ? d.modelName().replace(' ', '-') : d.modelName();
        List<String> kv = new ArrayList<>(List.of(
                "gpu", Integer.toString(d.index()),
                "UUID", d.uuid(),
                "pci_bus_id", d.pciBusId(),
                "device", "nvidia" + d.index(),
                "modelName", model));
        if (instance != null) {
            kv.addAll(List.of("GPU_I_PROFILE", instance.profile(), "GPU_I_ID", Integer.toString(instance.id())));
        }
        if (settings.hostnameLabel() != null) {
            kv.add(settings.hostnameLabel());
            kv.add(settings.hostname());
        }
        fieldLabels.forEach((k, v) -> {
            kv.add(k);
            kv.add(v);
        });
        return Labels.of(kv.toArray(String[]::new));
    }
}
