package io.aiwatch.source.gpu;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a {@link GpuBackend} into dcgm-exporter compatible families. Two instances run: the
 * fast one ({@code gpu}, every second: the fields, up, clock events, XIDs, error counts) and
 * the slow one ({@code gpu_slow}: fields whose call blocks, and per-process memory), so a
 * 20 ms PCIe call or a process walk never delays temperature and power.
 *
 * <p>Error policy (STYLE.md): NOT_SUPPORTED leaves that field out for that GPU from then on;
 * GPU_IS_LOST marks the GPU down ({@code aiwatch_gpu_up 0}) while the others go on; anything else
 * is counted in {@code aiwatch_gpu_library_errors_total{function,code}} and the field is left out
 * of this cycle only.
 */
public final class GpuCollector implements Collector {
    /** Collector roles. */
    public enum Role {
        FAST,
        SLOW
    }

    /**
     * @param hostnameLabel {@code Hostname} (dcgm-exporter up to 4.8.2), {@code hostname} (newer), or null for none
     * @param hostname      value of that label
     * @param processLimit  most per-process series per GPU; the rest are summed under {@code pid="other"}
     * @param devices       which GPUs and MIG instances are reported (dcgm-exporter {@code -d})
     * @param dashedModelName {@code modelName} with dashes for blanks (dcgm-exporter {@code -rbmn})
     * @param attribution   labels appended per GPU or instance (Kubernetes pods)
     */
    public record Settings(
            String hostnameLabel,
            String hostname,
            int processLimit,
            DeviceSelection devices,
            boolean dashedModelName,
            SeriesAttribution attribution) {

        public Settings(String hostnameLabel, String hostname, int processLimit) {
            this(hostnameLabel, hostname, processLimit, DeviceSelection.flex(), false, SeriesAttribution.NONE);
        }
    }

    private final String name;
    private final Role role;
    private final GpuBackend backend;
    private final List<CountersFile.Entry> numericFields;
    private final Duration interval;
    private final GpuHealth health;
    private final Settings settings;
    private final ProcessIdentity processIdentity;
    private final Map<Integer, Labels> deviceLabels = new HashMap<>();
    /** Labels of each reported MIG GPU instance, by GPU index, in GPU-instance id order. */
    private final Map<Integer, Map<Integer, Labels>> instanceLabels = new HashMap<>();
    /**
     * XIDs that alerts/gpu.rules.yml pages or tickets on. Their counters start at 0 on every GPU
     * that reports XID events, so that a rule can use increase() (which cannot see the first sample
     * of a series that appears with value 1) and an event-like XID resolves once it stops recurring.
     */
    static final long[] ALERTED_XIDS = {48, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120};

    private final Map<Integer, Map<Long, Long>> xidCounts = new HashMap<>();
    private final Map<Integer, Long> lastXid = new HashMap<>();

    public GpuCollector(
            Role role,
            GpuBackend backend,
            CountersFile.Selection selection,
            Duration interval,
            GpuHealth health,
            Settings settings,
            ProcessIdentity processIdentity) {
        this.role = role;
        this.name = role == Role.FAST ? "gpu" : "gpu_slow";
        this.backend = backend;
        this.interval = interval;
        this.health = health;
        this.settings = settings;
        this.processIdentity = processIdentity;
        List<CountersFile.Entry> numeric = new ArrayList<>();
        List<DcgmField> labelFields = new ArrayList<>();
        for (CountersFile.Entry e : selection.entries()) {
            if (e.field().kind() == DcgmField.Kind.LABEL) {
                labelFields.add(e.field());
            } else if (backend.isSlow(e.field()) == (role == Role.SLOW)) {
                numeric.add(e);
            }
        }
        this.numericFields = List.copyOf(numeric);
        for (GpuDeviceInfo d : backend.devices()) {
            TreeMap<String, String> fieldLabels = labelFieldValues(d, labelFields);
            deviceLabels.put(d.index(), baseLabels(d, null, fieldLabels));
            Map<Integer, Labels> instances = new TreeMap<>();
            for (GpuInstance gi : backend.instances(d.index())) {
                instances.put(gi.id(), baseLabels(d, gi, fieldLabels));
            }
            instanceLabels.put(d.index(), instances);
        }
    }

    /**
     * dcgm-exporter's label set and order: gpu, UUID, pci_bus_id, device, modelName, then for a MIG
     * instance GPU_I_PROFILE and GPU_I_ID, then Hostname, then label fields sorted.
     */
    private Labels baseLabels(GpuDeviceInfo d, GpuInstance instance, TreeMap<String, String> fieldLabels) {
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

    private TreeMap<String, String> labelFieldValues(GpuDeviceInfo d, List<DcgmField> labelFields) {
        TreeMap<String, String> values = new TreeMap<>();
        GpuBackend.DeviceReader reader = backend.reader(d.index());
        for (DcgmField f : labelFields) {
            try {
                values.put(f.name(), reader.readLabel(f));
            } catch (GpuCallException e) {
                health.record(d.index(), f.name(), e);
            }
        }
        return values;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Snapshot collect() {
        Map<DcgmField, MetricFamily.Builder> fieldFamilies = new LinkedHashMap<>();
        for (CountersFile.Entry e : numericFields) {
            MetricType type = e.type().equals("counter") ? MetricType.COUNTER : MetricType.GAUGE;
            fieldFamilies.put(e.field(), MetricFamily.builder(e.field().name(), type, e.help()));
        }
        var up = MetricFamily.builder(
                "aiwatch_gpu_up",
                MetricType.GAUGE,
                "1 while the GPU answers, 0 once the library reported it lost (GPU_IS_LOST).");
        var clockEvents = MetricFamily.builder(
                "aiwatch_gpu_clock_event_active",
                MetricType.GAUGE,
                "1 while the clock event (throttle) reason is active, else 0; one series per reason.");
        var xids = MetricFamily.builder(
                "aiwatch_gpu_xid_errors_total",
                MetricType.COUNTER,
                "XID errors reported by the driver since the daemon started, by XID.");
        var processMemory = MetricFamily.builder(
                "aiwatch_gpu_process_memory_bytes",
                MetricType.GAUGE,
                "GPU memory used by a process, bytes; the smallest beyond the per-GPU limit are summed under pid=\"other\".");
        var slowdown = MetricFamily.builder(
                "aiwatch_gpu_slowdown_temperature_celsius",
                MetricType.GAUGE,
                "GPU temperature at which the device slows itself down (NVML threshold), °C.");
        var shutdown = MetricFamily.builder(
                "aiwatch_gpu_shutdown_temperature_celsius",
                MetricType.GAUGE,
                "GPU temperature at which the device shuts down (NVML threshold), °C.");
        var memoryMax = MetricFamily.builder(
                "aiwatch_gpu_memory_max_temperature_celsius",
                MetricType.GAUGE,
                "Maximum operating temperature of the GPU memory (HBM) (NVML threshold), °C.");
        var powerLimit = MetricFamily.builder(
                "aiwatch_gpu_power_limit_watts", MetricType.GAUGE, "Enforced power limit of the device, watts.");
        List<GpuStatus.Device> devices = new ArrayList<>();

        for (GpuDeviceInfo d : backend.devices()) {
            int idx = d.index();
            if (!settings.devices().reportsGpu(idx)) {
                continue;
            }
            Labels labels = deviceLabels.get(idx);
            Set<Long> pids = new HashSet<>();
            if (!health.isLost(idx)) {
                GpuBackend.DeviceReader reader = backend.reader(idx);
                readFields(idx, reader, labels, fieldFamilies);
                if (!health.isLost(idx)) {
                    readInstanceFields(idx, reader, fieldFamilies);
                }
                if (!health.isLost(idx)) {
                    if (role == Role.FAST) {
                        readClockEvents(idx, reader, labels, clockEvents);
                        readXids(idx, reader, labels, xids, fieldFamilies.get(DcgmField.DCGM_FI_DEV_XID_ERRORS));
                    } else {
                        readProcesses(idx, reader, labels, processMemory, pids);
                    }
                }
            }
            boolean isUp = !health.isLost(idx);
            up.add(labels, isUp ? 1 : 0);
            addIfKnown(slowdown, labels, d.slowdownTempCelsius());
            addIfKnown(shutdown, labels, d.shutdownTempCelsius());
            addIfKnown(memoryMax, labels, d.memoryMaxTempCelsius());
            addIfKnown(powerLimit, labels, d.powerLimitWatts());
            devices.add(new GpuStatus.Device(d, isUp, health.lostReason(idx), health.unsupportedOn(idx), pids));
        }

        List<MetricFamily> families = new ArrayList<>();
        for (MetricFamily.Builder b : fieldFamilies.values()) {
            families.add(b.build());
        }
        if (role == Role.FAST) {
            families.add(up.build());
            families.add(slowdown.build());
            families.add(shutdown.build());
            families.add(memoryMax.build());
            families.add(powerLimit.build());
            families.add(clockEvents.build());
            families.add(xids.build());
            families.add(errorFamily());
        } else {
            families.add(processMemory.build());
        }
        return Snapshot.of(
                AttributedSeries.apply(families, settings.attribution()),
                role == Role.FAST ? GpuStatus.DEVICES : GpuStatus.PROCESSES,
                new GpuStatus(backend.name(), backend.driverVersion(), devices));
    }

    /** Static thresholds are exported so alert rules compare against the device's own limits. */
    private static void addIfKnown(MetricFamily.Builder family, Labels labels, double value) {
        if (Double.isFinite(value) && value > 0) {
            family.add(labels, value);
        }
    }

    private void readFields(
            int idx, GpuBackend.DeviceReader reader, Labels labels, Map<DcgmField, MetricFamily.Builder> families) {
        boolean mig = !instanceLabels.get(idx).isEmpty();
        for (CountersFile.Entry e : numericFields) {
            DcgmField f = e.field();
            if (f == DcgmField.DCGM_FI_DEV_XID_ERRORS
                    || health.isUnsupported(idx, f.name())
                    || !settings.devices().reportsWholeGpuField(GpuInstance.FIELDS.contains(f), mig)) {
                continue;
            }
            try {
                families.get(f).add(labels, reader.read(f));
            } catch (GpuCallException ex) {
                if (health.record(idx, f.name(), ex)) {
                    return;
                }
            }
        }
    }

    /** Per-instance fields of a MIG-enabled GPU, one series per reported GPU instance. */
    private void readInstanceFields(
            int idx, GpuBackend.DeviceReader reader, Map<DcgmField, MetricFamily.Builder> families) {
        Map<Integer, Labels> instances = instanceLabels.get(idx);
        if (instances.isEmpty() || !settings.devices().reportsInstances()) {
            return;
        }
        for (CountersFile.Entry e : numericFields) {
            DcgmField f = e.field();
            String key = "instance:" + f.name();
            if (!GpuInstance.FIELDS.contains(f) || health.isUnsupported(idx, key)) {
                continue;
            }
            for (Map.Entry<Integer, Labels> gi : instances.entrySet()) {
                if (!settings.devices().reportsInstance(gi.getKey())) {
                    continue;
                }
                try {
                    families.get(f).add(gi.getValue(), reader.readInstance(f, gi.getKey()));
                } catch (GpuCallException ex) {
                    if (health.record(idx, key, ex)) {
                        return;
                    }
                }
            }
        }
    }

    private void readClockEvents(int idx, GpuBackend.DeviceReader reader, Labels labels, MetricFamily.Builder out) {
        if (health.isUnsupported(idx, "clock_event_reasons")) {
            return;
        }
        try {
            long bits = reader.clockEventReasons();
            for (ClockEventReason r : ClockEventReason.values()) {
                out.add(labels.and("reason", r.label()), (bits & r.mask()) != 0 ? 1 : 0);
            }
        } catch (GpuCallException e) {
            health.record(idx, "clock_event_reasons", e);
        }
    }

    private void readXids(
            int idx,
            GpuBackend.DeviceReader reader,
            Labels labels,
            MetricFamily.Builder counter,
            MetricFamily.Builder lastValue) {
        Map<Long, Long> counts = xidCounts.computeIfAbsent(idx, k -> new TreeMap<>());
        if (!health.isUnsupported(idx, "xid_events")) {
            try {
                List<XidEvent> events = reader.drainXidEvents();
                for (long xid : ALERTED_XIDS) {
                    counts.putIfAbsent(xid, 0L); // XID events are readable here: start the alerted ones at 0
                }
                for (XidEvent e : events) {
                    counts.merge(e.xid(), 1L, Long::sum);
                    lastXid.put(idx, e.xid());
                }
            } catch (GpuCallException e) {
                health.record(idx, "xid_events", e);
            }
        }
        counts.forEach((xid, n) -> counter.add(labels.and("xid", Long.toString(xid)), n));
        if (lastValue != null && !health.isUnsupported(idx, "xid_events")) {
            lastValue.add(labels, lastXid.getOrDefault(idx, 0L));
        }
    }

    private void readProcesses(
            int idx, GpuBackend.DeviceReader reader, Labels labels, MetricFamily.Builder out, Set<Long> pids) {
        if (health.isUnsupported(idx, "processes")) {
            return;
        }
        List<GpuProcess> processes;
        try {
            processes = new ArrayList<>(reader.processes());
        } catch (GpuCallException e) {
            health.record(idx, "processes", e);
            return;
        }
        // One process may appear as both compute and graphics: merge by pid.
        Map<Long, Long> byPid = new HashMap<>();
        for (GpuProcess p : processes) {
            pids.add(p.pid());
            byPid.merge(p.pid(), Math.max(0, p.usedMemoryBytes()), Long::sum);
        }
        List<Map.Entry<Long, Long>> sorted = new ArrayList<>(byPid.entrySet());
        sorted.sort(Map.Entry.<Long, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        long other = 0;
        for (int i = 0; i < sorted.size(); i++) {
            var e = sorted.get(i);
            if (i < settings.processLimit()) {
                long pid = e.getKey();
                out.add(
                        labels.and("pid", Long.toString(pid))
                                .and("command", processIdentity.command(pid))
                                .and("container_id", processIdentity.containerId(pid)),
                        e.getValue());
            } else {
                other += e.getValue();
            }
        }
        if (sorted.size() > settings.processLimit()) {
            out.add(labels.and("pid", "other").and("command", "other").and("container_id", ""), other);
        }
    }

    private MetricFamily errorFamily() {
        var b = MetricFamily.builder(
                "aiwatch_gpu_library_errors_total",
                MetricType.COUNTER,
                "Failed GPU library (NVML) calls by function and return code.");
        health.errorCounts().forEach((k, n) -> b.add(Labels.of("function", k.function(), "code", k.code()), n));
        return b.build();
    }

    @Override
    public void close() {
        // The backend is shared by the fast and slow collectors; its owner closes it.
    }
}
