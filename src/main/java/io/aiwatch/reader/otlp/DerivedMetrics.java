package io.aiwatch.reader.otlp;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.reader.otlp.Rule.Domain;
import io.aiwatch.reader.otlp.Rule.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Convention metrics that no single family carries, computed from families of the same snapshot:
 * {@code hw.gpu.memory.limit} and {@code .utilization} (used + free + reserved framebuffer, as NVML
 * defines total), {@code hw.status} from {@code aiwatch_gpu_up}, and {@code system.filesystem.usage}
 * by state, {@code .utilization} from size, free and avail (used = size - free, free = avail,
 * reserved = free - avail: what df shows).
 */
final class DerivedMetrics {
    private static final double MIB = 1024.0 * 1024.0;
    static final Rule GPU_MEMORY_LIMIT =
            new Rule("hw.gpu.memory.limit", "By", Kind.UP_DOWN, true, MIB, Domain.GPU, Map.of(), "");
    static final Rule GPU_MEMORY_UTILIZATION =
            new Rule("hw.gpu.memory.utilization", "1", Kind.GAUGE, false, 1, Domain.GPU, Map.of(), "");
    static final Rule GPU_STATUS_OK =
            new Rule("hw.status", "1", Kind.UP_DOWN, true, 1, Domain.GPU, Map.of("hw.state", "ok"), "");
    static final Rule GPU_STATUS_FAILED =
            new Rule("hw.status", "1", Kind.UP_DOWN, true, 1, Domain.GPU, Map.of("hw.state", "failed"), "");
    static final Rule FS_USED = fsRule("system.filesystem.usage", "By", Kind.UP_DOWN, true, "used");
    static final Rule FS_FREE = fsRule("system.filesystem.usage", "By", Kind.UP_DOWN, true, "free");
    static final Rule FS_RESERVED = fsRule("system.filesystem.usage", "By", Kind.UP_DOWN, true, "reserved");
    static final Rule FS_UTILIZATION = fsRule("system.filesystem.utilization", "1", Kind.GAUGE, false, "used");

    private DerivedMetrics() {}

    private static Rule fsRule(String name, String unit, Kind kind, boolean integer, String state) {
        return new Rule(name, unit, kind, integer, 1, Domain.STORAGE, Map.of("system.filesystem.state", state), "");
    }

    static void add(List<MetricFamily> families, long time, MetricAssembler out) {
        Map<String, MetricFamily> byName = new HashMap<>();
        families.forEach(f -> byName.put(f.name(), f));
        gpuMemory(byName, time, out);
        gpuStatus(byName.get("aiwatch_gpu_up"), time, out);
        filesystems(byName, time, out);
    }

    private static void gpuMemory(Map<String, MetricFamily> byName, long time, MetricAssembler out) {
        MetricFamily used = byName.get("DCGM_FI_DEV_FB_USED");
        Map<Labels, Double> free = values(byName.get("DCGM_FI_DEV_FB_FREE"));
        Map<Labels, Double> reserved = values(byName.get("DCGM_FI_DEV_FB_RESERVED"));
        if (used == null || free.isEmpty()) {
            return;
        }
        for (Sample s : used.samples()) {
            Double f = free.get(s.labels());
            if (f == null) {
                continue;
            }
            double limitMib = s.value() + f + reserved.getOrDefault(s.labels(), 0.0);
            out.add(GPU_MEMORY_LIMIT, "", s.labels(), time, limitMib);
            if (limitMib > 0) {
                out.add(GPU_MEMORY_UTILIZATION, "", s.labels(), time, s.value() / limitMib);
            }
        }
    }

    private static void gpuStatus(MetricFamily up, long time, MetricAssembler out) {
        if (up == null) {
            return;
        }
        for (Sample s : up.samples()) {
            boolean ok = s.value() == 1;
            out.add(GPU_STATUS_OK, "", s.labels(), time, ok ? 1 : 0);
            out.add(GPU_STATUS_FAILED, "", s.labels(), time, ok ? 0 : 1);
        }
    }

    private static void filesystems(Map<String, MetricFamily> byName, long time, MetricAssembler out) {
        MetricFamily size = byName.get("aiwatch_filesystem_size_bytes");
        Map<Labels, Double> free = values(byName.get("aiwatch_filesystem_free_bytes"));
        Map<Labels, Double> avail = values(byName.get("aiwatch_filesystem_avail_bytes"));
        if (size == null) {
            return;
        }
        for (Sample s : size.samples()) {
            Double f = free.get(s.labels());
            Double a = avail.get(s.labels());
            if (f == null || a == null) {
                continue;
            }
            double used = s.value() - f;
            out.add(FS_USED, "", s.labels(), time, used);
            out.add(FS_FREE, "", s.labels(), time, a);
            out.add(FS_RESERVED, "", s.labels(), time, Math.max(0, f - a));
            if (used + a > 0) {
                out.add(FS_UTILIZATION, "", s.labels(), time, used / (used + a));
            }
        }
    }

    private static Map<Labels, Double> values(MetricFamily f) {
        Map<Labels, Double> m = new HashMap<>();
        if (f != null) {
            f.samples().forEach(s -> m.put(s.labels(), s.value()));
        }
        return m;
    }
}
