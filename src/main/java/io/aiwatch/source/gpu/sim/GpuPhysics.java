package io.aiwatch.source.gpu.sim;

/**
 * A small, plausible model of one H100 SXM under load, integrated in fixed steps.
 *
 * <ul>
 *   <li>Power follows utilisation and SM clock: {@code idle + util × (peak − idle) × clock/maxClock}.</li>
 *   <li>Temperature has thermal inertia: {@code dT/dt = (ambient + R·P − T) / τ}, with
 *       R = {@value #THERMAL_RESISTANCE_C_PER_W} °C/W and τ = {@value #THERMAL_TIME_CONSTANT_S} s.</li>
 *   <li>When demanded power exceeds the power limit, the SM clock falls until power meets the
 *       limit (SW power cap); above the slowdown temperature it falls further (SW thermal, and
 *       HW slowdown within 2 °C of shutdown). Both show as clock event reasons.</li>
 *   <li>Energy integrates power.</li>
 * </ul>
 * Not thread-safe; {@link SimulatedGpuBackend} guards it.
 */
final class GpuPhysics {
    static final double MAX_SM_CLOCK_MHZ = 1980;
    static final double IDLE_SM_CLOCK_MHZ = 345;
    static final double MEM_CLOCK_MHZ = 2619;
    static final double IDLE_POWER_W = 72;
    static final double PEAK_POWER_W = 760;
    static final double THERMAL_RESISTANCE_C_PER_W = 0.075;
    static final double THERMAL_TIME_CONSTANT_S = 25;
    static final double SLOWDOWN_C = 87;
    static final double SHUTDOWN_C = 92;
    static final double MEMORY_MAX_C = 95;

    final double powerLimitW;
    double ambientC;
    double utilization;
    double temperatureC;
    double powerW;
    double smClockMhz = IDLE_SM_CLOCK_MHZ;
    double energyMj;
    long clockEventBits;
    double thermalViolationNs;
    double powerViolationNs;

    GpuPhysics(double powerLimitW, double ambientC) {
        this.powerLimitW = powerLimitW;
        this.ambientC = ambientC;
        this.temperatureC = ambientC + 3;
        this.powerW = IDLE_POWER_W;
    }

    /** Advances the model by {@code dtSeconds} at utilisation {@code util} (0–1). */
    void step(double util, double dtSeconds) {
        utilization = Math.max(0, Math.min(1, util));
        long bits = 0;
        double clock;
        if (utilization < 0.02) {
            clock = IDLE_SM_CLOCK_MHZ;
            bits |= 0x1; // GPU idle
        } else {
            clock = MAX_SM_CLOCK_MHZ;
            double demanded = power(utilization, clock);
            if (demanded > powerLimitW) {
                // Power scales linearly with clock in this model: solve for the clock that meets the limit.
                clock = MAX_SM_CLOCK_MHZ * (powerLimitW - IDLE_POWER_W) / (demanded - IDLE_POWER_W);
                bits |= 0x4; // SW power cap
                powerViolationNs += dtSeconds * 1e9;
            }
            if (temperatureC >= SLOWDOWN_C) {
                double over = temperatureC - SLOWDOWN_C;
                clock = Math.min(clock, MAX_SM_CLOCK_MHZ * Math.max(0.35, 0.8 - 0.09 * over));
                bits |= 0x20; // SW thermal slowdown
                thermalViolationNs += dtSeconds * 1e9;
                if (temperatureC >= SHUTDOWN_C - 2) {
                    bits |= 0x40 | 0x8; // HW thermal slowdown
                }
            }
            clock = Math.max(IDLE_SM_CLOCK_MHZ, clock);
        }
        smClockMhz = clock;
        powerW = power(utilization, clock);
        double target = ambientC + THERMAL_RESISTANCE_C_PER_W * powerW;
        temperatureC += (target - temperatureC) * (1 - Math.exp(-dtSeconds / THERMAL_TIME_CONSTANT_S));
        energyMj += powerW * dtSeconds * 1000;
        clockEventBits = bits;
    }

    private static double power(double util, double clockMhz) {
        return IDLE_POWER_W + util * (PEAK_POWER_W - IDLE_POWER_W) * (clockMhz / MAX_SM_CLOCK_MHZ);
    }
}
