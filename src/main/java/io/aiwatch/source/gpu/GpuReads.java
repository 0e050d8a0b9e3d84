package io.aiwatch.source.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The library calls of one collector's cycle for one GPU, into a {@link GpuReading}. Safe to run
 * for different GPUs on different threads: it keeps no state of its own, and {@link GpuHealth} and
 * the backend are thread-safe.
 */
final class GpuReads {
    private final GpuCollector.Role role;
    private final GpuBackend backend;
    private final GpuHealth health;
    private final DeviceSelection selection;
    private final List<DcgmField> fields;
    private final GpuLabels labels;

    GpuReads(
            GpuCollector.Role role,
            GpuBackend backend,
            GpuHealth health,
            DeviceSelection selection,
            List<DcgmField> fields,
            GpuLabels labels) {
        this.role = role;
        this.backend = backend;
        this.health = health;
        this.selection = selection;
        this.fields = fields;
        this.labels = labels;
    }

    GpuReading read(int idx) {
        GpuReading r = new GpuReading(idx, fields.size());
        if (health.isLost(idx)) {
            return r;
        }
        GpuBackend.DeviceReader reader = backend.reader(idx);
        readFields(idx, reader, r);
        if (!health.isLost(idx)) {
            readInstanceFields(idx, reader, r);
        }
        if (!health.isLost(idx)) {
            if (role == GpuCollector.Role.FAST) {
                readClockEvents(idx, reader, r);
                readXids(idx, reader, r);
            } else if (role == GpuCollector.Role.SLOW) {
                readProcesses(idx, reader, r);
            }
        }
        return r;
    }

    private void readFields(int idx, GpuBackend.DeviceReader reader, GpuReading r) {
        boolean mig = !labels.instances(idx).isEmpty();
        for (int i = 0; i < fields.size(); i++) {
            DcgmField f = fields.get(i);
            if (f == DcgmField.DCGM_FI_DEV_XID_ERRORS
                    || health.isUnsupported(idx, f.name())
                    || !selection.reportsWholeGpuField(GpuInstance.FIELDS.contains(f), mig)) {
                continue;
            }
            try {
                r.set(i, reader.read(f));
            } catch (GpuCallException ex) {
                if (health.record(idx, f.name(), ex)) {
                    return;
                }
            }
        }
    }

    /** Per-instance fields of a MIG-enabled GPU, one value per reported GPU instance. */
    private void readInstanceFields(int idx, GpuBackend.DeviceReader reader, GpuReading r) {
        Map<Integer, ?> instances = labels.instances(idx);
        if (instances.isEmpty() || !selection.reportsInstances()) {
            return;
        }
        for (int i = 0; i < fields.size(); i++) {
            DcgmField f = fields.get(i);
            String key = "instance:" + f.name();
            if (!GpuInstance.FIELDS.contains(f) || health.isUnsupported(idx, key)) {
                continue;
            }
            for (int gi : instances.keySet()) {
                if (!selection.reportsInstance(gi)) {
                    continue;
                }
                try {
                    r.instanceValues.add(new GpuReading.InstanceValue(i, gi, reader.readInstance(f, gi)));
                } catch (GpuCallException ex) {
                    if (health.record(idx, key, ex)) {
                        return;
                    }
                }
            }
        }
    }

    private void readClockEvents(int idx, GpuBackend.DeviceReader reader, GpuReading r) {
        if (health.isUnsupported(idx, "clock_event_reasons")) {
            return;
        }
        try {
            r.clockEvents = reader.clockEventReasons();
        } catch (GpuCallException e) {
            health.record(idx, "clock_event_reasons", e);
        }
    }

    private void readXids(int idx, GpuBackend.DeviceReader reader, GpuReading r) {
        if (health.isUnsupported(idx, "xid_events")) {
            return;
        }
        try {
            r.xids = reader.drainXidEvents();
        } catch (GpuCallException e) {
            health.record(idx, "xid_events", e);
        }
    }

    private void readProcesses(int idx, GpuBackend.DeviceReader reader, GpuReading r) {
        if (health.isUnsupported(idx, "processes")) {
            return;
        }
        try {
            r.processes = new ArrayList<>(reader.processes());
        } catch (GpuCallException e) {
            health.record(idx, "processes", e);
        }
    }
}
