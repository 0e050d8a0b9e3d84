package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuBackend.DeviceReader;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One reading of every {@link DcgmField} on every device, value or error, as a TSV table: what
 * {@link NvmlProbe} prints and the GPU test writes for the docs' field table.
 */
final class FieldReport {
    static final String HEADER = "gpu\tfield\tvalue_or_error\tnvml_call";

    /** A field of one device: {@code value} is null when {@code error} is set. */
    record Row(int gpu, String field, String value, String error, String source) {
        String tsv() {
            return gpu + "\t" + field + "\t" + (error != null ? error : value) + "\t" + (source == null ? "" : source);
        }
    }

    private FieldReport() {}

    /** Reads every field with one reader per device (one cycle). */
    static List<Row> collect(GpuBackend backend) {
        List<Row> rows = new ArrayList<>();
        for (GpuDeviceInfo d : backend.devices()) {
            DeviceReader r = backend.reader(d.index());
            for (DcgmField f : DcgmField.values()) {
                if (!f.isProvided()) {
                    rows.add(new Row(d.index(), f.name(), null, "NOT_PROVIDED", f.notProvided()));
                    continue;
                }
                try {
                    String v = f.kind() == DcgmField.Kind.LABEL ? r.readLabel(f) : number(r.read(f));
                    rows.add(new Row(d.index(), f.name(), v, null, f.source()));
                } catch (GpuCallException e) {
                    rows.add(new Row(d.index(), f.name(), null, error(e), f.source()));
                }
            }
            rows.add(extra(
                    d.index(),
                    "clock_event_reasons",
                    () -> "0x" + Long.toHexString(r.clockEventReasons()),
                    "nvmlDeviceGetCurrentClocksEventReasons"));
            rows.add(extra(
                    d.index(),
                    "processes",
                    () -> String.valueOf(r.processes().size()),
                    "nvmlDeviceGetComputeRunningProcesses_v3 + nvmlDeviceGetGraphicsRunningProcesses_v3"));
            rows.add(extra(
                    d.index(),
                    "xid_events_drained",
                    () -> String.valueOf(r.drainXidEvents().size()),
                    "nvmlEventSetWait_v2"));
        }
        return rows;
    }

    static String tsv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        rows.forEach(r -> sb.append(r.tsv()).append('\n'));
        return sb.toString();
    }

    /** {@code ERROR NVML_ERROR_NOT_SUPPORTED (3) nvmlDeviceGetFieldValues}. */
    static String error(GpuCallException e) {
        return "ERROR " + e.code().cName() + " (" + e.rawCode() + ") " + e.function();
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private interface Text {
        String get() throws GpuCallException;
    }

    private static Row extra(int gpu, String name, Text t, String source) {
        try {
            return new Row(gpu, name, t.get(), null, source);
        } catch (GpuCallException e) {
            return new Row(gpu, name, null, error(e), source);
        }
    }
}
