package io.aiwatch.source.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Why clocks are below their maximum: NVML's {@code nvmlClocksEventReason*} bits (formerly
 * "throttle reasons"). The label values are dcgm-exporter's {@code clock_event} values.
 */
public enum ClockEventReason {
    GPU_IDLE(0x1L, "gpu_idle"),
    CLOCKS_SETTING(0x2L, "clocks_setting"),
    SW_POWER_CAP(0x4L, "power_cap"),
    HW_SLOWDOWN(0x8L, "hw_slowdown"),
    SYNC_BOOST(0x10L, "sync_boost"),
    SW_THERMAL(0x20L, "sw_thermal"),
    HW_THERMAL(0x40L, "hw_thermal"),
    HW_POWER_BRAKE(0x80L, "hw_power_brake"),
    DISPLAY_CLOCKS(0x100L, "display_clocks");

    private final long mask;
    private final String label;

    ClockEventReason(long mask, String label) {
        this.mask = mask;
        this.label = label;
    }

    public long mask() {
        return mask;
    }

    public String label() {
        return label;
    }

    public static List<ClockEventReason> decode(long bits) {
        List<ClockEventReason> result = new ArrayList<>();
        for (ClockEventReason r : values()) {
            if ((bits & r.mask) != 0) {
                result.add(r);
            }
        }
        return result;
    }
}
