package io.aiwatch.source.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * What one GPU answered in one cycle of one collector: the values of the collector's numeric
 * fields (by position), per-instance values, and the raw clock events, XIDs or processes. Reading
 * (the library calls) fills it, possibly on another thread; the collector thread turns readings
 * into families, so that reading GPUs in parallel needs no shared builders.
 */
final class GpuReading {
    /** One per-instance field value of a MIG GPU instance. */
    record InstanceValue(int field, int instance, double value) {}

    final int index;
    final double[] values;
    final boolean[] present;
    final List<InstanceValue> instanceValues = new ArrayList<>();
    /** NVML's clock event bit mask, or -1 when not read. */
    long clockEvents = -1;
    /** XIDs drained this cycle; null when not read. */
    List<XidEvent> xids;
    /** Processes holding memory; null when not read. */
    List<GpuProcess> processes;
    /** True when the read had not finished by the collector's deadline (a call hung in the driver). */
    boolean late;

    GpuReading(int index, int fields) {
        this.index = index;
        this.values = new double[fields];
        this.present = new boolean[fields];
    }

    void set(int field, double value) {
        values[field] = value;
        present[field] = true;
    }

    static GpuReading late(int index, int fields) {
        GpuReading r = new GpuReading(index, fields);
        r.late = true;
        return r;
    }
}
