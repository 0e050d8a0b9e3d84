package io.aiwatch.source.gpu;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.util.List;

/**
 * The aiwatch families beside the dcgm-exporter fields, for one cycle: per-GPU state and static
 * thresholds (fast collector), clock events and XIDs (fast), per-process memory (slow).
 */
final class GpuStateFamilies {
    final MetricFamily.Builder up = MetricFamily.builder(
            "aiwatch_gpu_up",
            MetricType.GAUGE,
            "1 while the GPU answers, 0 once the library reported it lost (GPU_IS_LOST).");
    final MetricFamily.Builder clockEvents = MetricFamily.builder(
            "aiwatch_gpu_clock_event_active",
            MetricType.GAUGE,
            "1 while the clock event (throttle) reason is active, else 0; one series per reason.");
    final MetricFamily.Builder xids = MetricFamily.builder(
            "aiwatch_gpu_xid_errors_total",
            MetricType.COUNTER,
            "XID errors reported by the driver since the daemon started, by XID.");
    final MetricFamily.Builder processMemory = MetricFamily.builder(
            "aiwatch_gpu_process_memory_bytes",
            MetricType.GAUGE,
            "GPU memory used by a process, bytes; the smallest beyond the per-GPU limit are summed under pid=\"other\".");
    private final MetricFamily.Builder slowdown = MetricFamily.builder(
            "aiwatch_gpu_slowdown_temperature_celsius",
            MetricType.GAUGE,
            "GPU temperature at which the device slows itself down (NVML threshold), °C.");
    private final MetricFamily.Builder shutdown = MetricFamily.builder(
            "aiwatch_gpu_shutdown_temperature_celsius",
            MetricType.GAUGE,
            "GPU temperature at which the device shuts down (NVML threshold), °C.");
    private final MetricFamily.Builder memoryMax = MetricFamily.builder(
            "aiwatch_gpu_memory_max_temperature_celsius",
            MetricType.GAUGE,
            "Maximum operating temperature of the GPU memory (HBM) (NVML threshold), °C.");
    private final MetricFamily.Builder powerLimit = MetricFamily.builder(
            "aiwatch_gpu_power_limit_watts", MetricType.GAUGE, "Enforced power limit of the device, watts.");

    /** Up and the static thresholds of one GPU. */
    void addDevice(Labels labels, GpuDeviceInfo d, boolean isUp) {
        up.add(labels, isUp ? 1 : 0);
        addIfKnown(slowdown, labels, d.slowdownTempCelsius());
        addIfKnown(shutdown, labels, d.shutdownTempCelsius());
        addIfKnown(memoryMax, labels, d.memoryMaxTempCelsius());
        addIfKnown(powerLimit, labels, d.powerLimitWatts());
    }

    /** Static thresholds are exported so alert rules compare against the device's own limits. */
    private static void addIfKnown(MetricFamily.Builder family, Labels labels, double value) {
        if (Double.isFinite(value) && value > 0) {
            family.add(labels, value);
        }
    }

    /** The families of {@code role}, in exposition order. */
    List<MetricFamily> build(GpuCollector.Role role, GpuHealth health) {
        return switch (role) {
            case FAST ->
                List.of(
                        up.build(),
                        slowdown.build(),
                        shutdown.build(),
                        memoryMax.build(),
                        powerLimit.build(),
                        clockEvents.build(),
                        xids.build(),
                        errorFamily(health));
            case COSTLY -> List.of();
            case SLOW -> List.of(processMemory.build());
        };
    }

    private static MetricFamily errorFamily(GpuHealth health) {
        var b = MetricFamily.builder(
                "aiwatch_gpu_library_errors_total",
                MetricType.COUNTER,
                "Failed GPU library (NVML) calls by function and return code.");
        health.errorCounts().forEach((k, n) -> b.add(Labels.of("function", k.function(), "code", k.code()), n));
        return b.build();
    }
}
