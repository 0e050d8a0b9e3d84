package io.aiwatch.source.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SimulatedGpuPhysicsTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final AtomicReference<Double> load = new AtomicReference<>(0.0);

    private double read(SimulatedGpuBackend b, DcgmField f) throws GpuCallException {
        return b.reader(0).read(f);
    }

    @Test
    void utilisationDrivesPowerAndPowerDrivesTemperatureWithInertia() throws Exception {
        var b = new SimulatedGpuBackend(1, 1, 30, clock, load::get);
        double idlePower = read(b, DcgmField.DCGM_FI_DEV_POWER_USAGE);
        double idleTemp = read(b, DcgmField.DCGM_FI_DEV_GPU_TEMP);
        assertThat(idlePower).isBetween(60.0, 90.0);

        load.set(0.8);
        clock.advance(Duration.ofSeconds(2));
        double powerSoon = read(b, DcgmField.DCGM_FI_DEV_POWER_USAGE);
        double tempSoon = read(b, DcgmField.DCGM_FI_DEV_GPU_TEMP);
        assertThat(powerSoon).isGreaterThan(500);
        // Two seconds is far less than the thermal time constant: temperature has barely moved.
        assertThat(tempSoon - idleTemp).isBetween(0.0, 8.0);

        clock.advance(Duration.ofMinutes(5));
        double tempLater = read(b, DcgmField.DCGM_FI_DEV_GPU_TEMP);
        assertThat(tempLater - idleTemp).isGreaterThan(30);
        assertThat(read(b, DcgmField.DCGM_FI_DEV_GPU_UTIL)).isEqualTo(80);
    }

    @Test
    void energyIntegratesPower() throws Exception {
        load.set(0.5);
        var b = new SimulatedGpuBackend(1, 1, 30, clock, load::get);
        read(b, DcgmField.DCGM_FI_DEV_GPU_TEMP);
        clock.advance(Duration.ofMinutes(10));
        double e0 = read(b, DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION);
        double p = read(b, DcgmField.DCGM_FI_DEV_POWER_USAGE);
        clock.advance(Duration.ofSeconds(10));
        double e1 = read(b, DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION);
        assertThat((e1 - e0) / 1000).isCloseTo(p * 10, within(p * 10 * 0.01));
    }

    @Test
    void fullLoadHitsThePowerCapWithLowerClocks() throws Exception {
        load.set(1.0);
        var b = new SimulatedGpuBackend(1, 1, 25, clock, load::get);
        clock.advance(Duration.ofSeconds(5));
        assertThat(read(b, DcgmField.DCGM_FI_DEV_POWER_USAGE)).isCloseTo(700, within(1.0));
        assertThat(read(b, DcgmField.DCGM_FI_DEV_SM_CLOCK)).isLessThan(1980);
        assertThat(ClockEventReason.decode(b.reader(0).clockEventReasons())).contains(ClockEventReason.SW_POWER_CAP);
    }

    @Test
    void hotInletDrivesTheGpuIntoThermalSlowdown() throws Exception {
        load.set(0.85);
        var b = new SimulatedGpuBackend(1, 1, 30, clock, load::get);
        clock.advance(Duration.ofMinutes(5));
        assertThat(ClockEventReason.decode(b.reader(0).clockEventReasons()))
                .doesNotContain(ClockEventReason.SW_THERMAL);
        double coolClock = read(b, DcgmField.DCGM_FI_DEV_SM_CLOCK);
        b.setAmbient(45);
        clock.advance(Duration.ofMinutes(5));
        assertThat(read(b, DcgmField.DCGM_FI_DEV_GPU_TEMP)).isGreaterThanOrEqualTo(87);
        assertThat(ClockEventReason.decode(b.reader(0).clockEventReasons())).contains(ClockEventReason.SW_THERMAL);
        assertThat(read(b, DcgmField.DCGM_FI_DEV_SM_CLOCK)).isLessThan(coolClock);
        assertThat(read(b, DcgmField.DCGM_FI_DEV_THERMAL_VIOLATION)).isGreaterThan(0);
    }

    @Test
    void idleGpuShowsIdleClocksAndTheIdleReason() throws Exception {
        var b = new SimulatedGpuBackend(1, 1, 30, clock, load::get);
        clock.advance(Duration.ofSeconds(1));
        assertThat(read(b, DcgmField.DCGM_FI_DEV_SM_CLOCK)).isEqualTo(345);
        assertThat(ClockEventReason.decode(b.reader(0).clockEventReasons())).containsExactly(ClockEventReason.GPU_IDLE);
    }

    @Test
    void sameSeedAndClockGiveTheSameReadings() throws Exception {
        var a = new SimulatedGpuBackend(2, 9, 30, clock, null);
        var b = new SimulatedGpuBackend(2, 9, 30, clock, null);
        clock.advance(Duration.ofSeconds(90));
        for (DcgmField f : new DcgmField[] {
            DcgmField.DCGM_FI_DEV_POWER_USAGE,
            DcgmField.DCGM_FI_DEV_GPU_TEMP,
            DcgmField.DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION
        }) {
            assertThat(a.reader(1).read(f)).isEqualTo(b.reader(1).read(f));
        }
        assertThat(a.devices()).isEqualTo(b.devices());
    }

    @Test
    void framebufferAddsUpToTheTotal() throws Exception {
        var b = new SimulatedGpuBackend(1, 3, 30, clock, null);
        var r = b.reader(0);
        double total = r.read(DcgmField.DCGM_FI_DEV_FB_FREE)
                + r.read(DcgmField.DCGM_FI_DEV_FB_USED)
                + r.read(DcgmField.DCGM_FI_DEV_FB_RESERVED);
        assertThat(total).isEqualTo(b.devices().get(0).memoryTotalBytes() / (1 << 20));
    }

    @Test
    void xid63And94LeaveARowRemapPendingAndXid64SetsTheFailureFlagOnThatGpuOnly() throws Exception {
        var b = new SimulatedGpuBackend(3, 1, 30, clock, load::get);
        for (int gpu = 0; gpu < 3; gpu++) {
            assertThat(b.reader(gpu).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_PENDING))
                    .isZero();
            assertThat(b.reader(gpu).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_FAILURE))
                    .isZero();
        }
        b.injectXid(0, 13);
        assertThat(b.reader(0).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_PENDING)).isZero();
        b.injectXid(0, 63);
        b.injectXid(1, 94);
        b.injectXid(2, 64);
        assertThat(b.reader(0).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_PENDING)).isEqualTo(1);
        assertThat(b.reader(1).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_PENDING)).isEqualTo(1);
        assertThat(b.reader(2).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_PENDING)).isZero();
        assertThat(b.reader(0).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_FAILURE)).isZero();
        assertThat(b.reader(2).read(DcgmField.DCGM_FI_DEV_ROW_REMAP_FAILURE)).isEqualTo(1);
    }
}
