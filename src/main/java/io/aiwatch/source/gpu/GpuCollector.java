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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a {@link GpuBackend} into dcgm-exporter compatible families. Three instances run, one per
 * {@link Role}, each on its own collector thread: the fast one ({@code gpu}, every second: the
 * cheap fields, up, clock events, XIDs, error counts), the costly one ({@code gpu_costly}, every
 * second too: fields whose call costs milliseconds of driver time, its GPUs read in parallel), and
 * the slow one ({@code gpu_slow}: calls that sleep, and per-process memory). So a 3 ms energy read
 * or a 20 ms PCIe call never delays temperature and power, and each schedule's staleness is its
 * own snapshot age ({@code aiwatch_collector_snapshot_age_seconds}).
 *
 * <p>Error policy (STYLE.md): NOT_SUPPORTED leaves that field out for that GPU from then on;
 * GPU_IS_LOST marks the GPU down ({@code aiwatch_gpu_up 0}) while the others go on; anything else
 * is counted in {@code aiwatch_gpu_library_errors_total{function,code}} and the field is left out
 * of this cycle only.
 */
public final class GpuCollector implements Collector {
    /** Collector roles: which fields each reads, by {@link GpuBackend.Cost}. */
    public enum Role {
        /** {@code gpu}: the cheap fields and per-GPU state. */
        FAST,
        /** {@code gpu_costly}: the costly fields, GPUs read in parallel. */
        COSTLY,
        /** {@code gpu_slow}: blocking fields and the process list. */
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

    /**
     * XIDs that alerts/gpu.rules.yml pages or tickets on. Their counters start at 0 on every GPU
     * that reports XID events, so that a rule can use increase() (which cannot see the first sample
     * of a series that appears with value 1) and an event-like XID resolves once it stops recurring.
     */
    static final long[] ALERTED_XIDS = {48, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120};

    /** Share of the interval a costly cycle waits for its slowest GPU before publishing without it. */
    private static final double DEADLINE_SHARE = 0.8;

    private final String name;
    private final Role role;
    private final GpuBackend backend;
    private final List<CountersFile.Entry> numericFields;
    private final Duration interval;
    private final GpuHealth health;
    private final Settings settings;
    private final ProcessIdentity processIdentity;
    private final GpuLabels labels;
    private final GpuReads reads;
    private final ParallelReads parallel;
    /** Position of DCGM_FI_DEV_XID_ERRORS (the last XID) among the fields, or -1. */
    private final int xidField;

    private final Map<Integer, Map<Long, Long>> xidCounts = new HashMap<>();
    private final Map<Integer, Long> lastXid = new HashMap<>();
    private final Map<Integer, Long> lateReads = new TreeMap<>();

    /** One collector that reads its own labels; {@link #all} shares one label set among the three. */
    public GpuCollector(
            Role role,
            GpuBackend backend,
            CountersFile.Selection selection,
            Duration interval,
            GpuHealth health,
            Settings settings,
            ProcessIdentity processIdentity) {
        this(
                role,
                backend,
                selection,
                interval,
                health,
                settings,
                processIdentity,
                GpuLabels.read(backend, selection, health, settings));
    }

    private GpuCollector(
            Role role,
            GpuBackend backend,
            CountersFile.Selection selection,
            Duration interval,
            GpuHealth health,
            Settings settings,
            ProcessIdentity processIdentity,
            GpuLabels labels) {
        this.role = role;
        this.name = switch (role) {
            case FAST -> "gpu";
            case COSTLY -> "gpu_costly";
            case SLOW -> "gpu_slow";
        };
        this.backend = backend;
        this.interval = interval;
        this.health = health;
        this.settings = settings;
        this.processIdentity = processIdentity;
        this.labels = labels;
        List<CountersFile.Entry> numeric = new ArrayList<>();
        for (CountersFile.Entry e : selection.entries()) {
            if (e.field().kind() != DcgmField.Kind.LABEL && roleOf(backend.cost(e.field())) == role) {
                numeric.add(e);
            }
        }
        this.numericFields = List.copyOf(numeric);
        this.xidField = fields().indexOf(DcgmField.DCGM_FI_DEV_XID_ERRORS);
        this.reads = new GpuReads(
                role,
                backend,
                health,
                settings.devices(),
                numericFields.stream().map(CountersFile.Entry::field).toList(),
                labels);
        int gpus = backend.devices().size();
        this.parallel = role == Role.COSTLY && gpus > 1 && !numericFields.isEmpty()
                ? new ParallelReads("gpu-costly", gpus)
                : null;
    }

    /**
     * The fast, costly and slow collectors over one backend, sharing one label set and {@code health}.
     * The costly one runs at the fast interval.
     */
    public static List<GpuCollector> all(
            GpuBackend backend,
            CountersFile.Selection selection,
            Duration interval,
            Duration slowInterval,
            GpuHealth health,
            Settings settings,
            ProcessIdentity processIdentity) {
        GpuLabels labels = GpuLabels.read(backend, selection, health, settings);
        return List.of(
                new GpuCollector(Role.FAST, backend, selection, interval, health, settings, processIdentity, labels),
                new GpuCollector(Role.COSTLY, backend, selection, interval, health, settings, processIdentity, labels),
                new GpuCollector(
                        Role.SLOW, backend, selection, slowInterval, health, settings, processIdentity, labels));
    }

    private static Role roleOf(GpuBackend.Cost cost) {
        return switch (cost) {
            case CHEAP -> Role.FAST;
            case COSTLY -> Role.COSTLY;
            case BLOCKING -> Role.SLOW;
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    /** The fields this collector reads, in counters-file order. */
    public List<DcgmField> fields() {
        return numericFields.stream().map(CountersFile.Entry::field).toList();
    }

    @Override
    public Snapshot collect() {
        long deadline = System.nanoTime() + (long) (interval.toNanos() * DEADLINE_SHARE);
        List<Integer> reported = new ArrayList<>();
        for (GpuDeviceInfo d : backend.devices()) {
            if (settings.devices().reportsGpu(d.index())) {
                reported.add(d.index());
            }
        }
        List<GpuReading> readings;
        if (parallel != null) {
            try {
                readings = parallel.readAll(reported, reads::read, numericFields.size(), deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading GPUs", e);
            }
        } else {
            readings = new ArrayList<>(reported.size());
            for (int idx : reported) {
                readings.add(reads.read(idx));
            }
        }
        return build(readings);
    }

    private Snapshot build(List<GpuReading> readings) {
        List<MetricFamily.Builder> fieldFamilies = new ArrayList<>();
        for (CountersFile.Entry e : numericFields) {
            MetricType type = e.type().equals("counter") ? MetricType.COUNTER : MetricType.GAUGE;
            fieldFamilies.add(MetricFamily.builder(e.field().name(), type, e.help()));
        }
        GpuStateFamilies state = new GpuStateFamilies();
        List<GpuStatus.Device> devices = new ArrayList<>();
        Map<Integer, GpuDeviceInfo> infos = new HashMap<>();
        backend.devices().forEach(d -> infos.put(d.index(), d));
        for (GpuReading r : readings) {
            int idx = r.index;
            Labels deviceLabels = labels.device(idx);
            for (int i = 0; i < numericFields.size(); i++) {
                if (r.present[i]) {
                    fieldFamilies.get(i).add(deviceLabels, r.values[i]);
                }
            }
            Map<Integer, Labels> instances = labels.instances(idx);
            for (GpuReading.InstanceValue v : r.instanceValues) {
                fieldFamilies.get(v.field()).add(instances.get(v.instance()), v.value());
            }
            if (r.late) {
                lateReads.merge(idx, 1L, Long::sum);
            }
            Set<Long> pids = new HashSet<>();
            if (role == Role.FAST && !health.isLost(idx)) {
                addClockEvents(r, deviceLabels, state.clockEvents);
                addXids(r, deviceLabels, state.xids, xidField < 0 ? null : fieldFamilies.get(xidField));
            } else if (role == Role.SLOW) {
                addProcesses(r, deviceLabels, state.processMemory, pids);
            }
            GpuDeviceInfo d = infos.get(idx);
            boolean isUp = !health.isLost(idx);
            state.addDevice(deviceLabels, d, isUp);
            devices.add(new GpuStatus.Device(d, isUp, health.lostReason(idx), health.unsupportedOn(idx), pids));
        }
        List<MetricFamily> families = new ArrayList<>();
        for (MetricFamily.Builder b : fieldFamilies) {
            families.add(b.build());
        }
        families.addAll(state.build(role, health));
        if (role == Role.COSTLY) {
            families.add(lateReadsFamily());
        }
        List<MetricFamily> attributed = AttributedSeries.apply(families, settings.attribution());
        GpuStatus status = new GpuStatus(backend.name(), backend.driverVersion(), devices);
        return switch (role) {
            case FAST -> Snapshot.of(attributed, GpuStatus.DEVICES, status);
            case COSTLY -> Snapshot.of(attributed);
            case SLOW -> Snapshot.of(attributed, GpuStatus.PROCESSES, status);
        };
    }

    private static void addClockEvents(GpuReading r, Labels labels, MetricFamily.Builder out) {
        if (r.clockEvents < 0) {
            return;
        }
        for (ClockEventReason reason : ClockEventReason.values()) {
            out.add(labels.and("reason", reason.label()), (r.clockEvents & reason.mask()) != 0 ? 1 : 0);
        }
    }

    private void addXids(GpuReading r, Labels labels, MetricFamily.Builder counter, MetricFamily.Builder lastValue) {
        int idx = r.index;
        Map<Long, Long> counts = xidCounts.computeIfAbsent(idx, k -> new TreeMap<>());
        if (r.xids != null) {
            for (long xid : ALERTED_XIDS) {
                counts.putIfAbsent(xid, 0L); // XID events are readable here: start the alerted ones at 0
            }
            for (XidEvent e : r.xids) {
                counts.merge(e.xid(), 1L, Long::sum);
                lastXid.put(idx, e.xid());
            }
        }
        counts.forEach((xid, n) -> counter.add(labels.and("xid", Long.toString(xid)), n));
        if (lastValue != null && !health.isUnsupported(idx, "xid_events")) {
            lastValue.add(labels, lastXid.getOrDefault(idx, 0L));
        }
    }

    private void addProcesses(GpuReading r, Labels labels, MetricFamily.Builder out, Set<Long> pids) {
        if (r.processes == null) {
            return;
        }
        // One process may appear as both compute and graphics: merge by pid.
        Map<Long, Long> byPid = new HashMap<>();
        for (GpuProcess p : r.processes) {
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

    private MetricFamily lateReadsFamily() {
        var b = MetricFamily.builder(
                "aiwatch_gpu_late_reads_total",
                MetricType.COUNTER,
                "Costly-field reads of a GPU that had not finished within 80% of the interval (a call hanging in the"
                        + " driver); that GPU's costly fields are missing from those cycles.");
        for (GpuDeviceInfo d : backend.devices()) {
            if (settings.devices().reportsGpu(d.index())) {
                b.add(labels.device(d.index()), lateReads.getOrDefault(d.index(), 0L));
            }
        }
        return b.build();
    }

    @Override
    public void close() {
        // The backend is shared by the three collectors; its owner closes it.
        if (parallel != null) {
            parallel.close();
        }
    }
}
