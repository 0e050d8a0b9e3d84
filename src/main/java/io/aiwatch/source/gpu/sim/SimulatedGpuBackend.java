package io.aiwatch.source.gpu.sim;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuBackend;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.GpuProcess;
import io.aiwatch.source.gpu.NvmlReturn;
import io.aiwatch.source.gpu.XidEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * N simulated H100 SXM GPUs behind the same {@link GpuBackend} interface as NVML, so the demo,
 * the golden exposition and the fault tests exercise the real collector and exposition code.
 *
 * <p>Each GPU's utilisation follows either an external load signal (the vLLM simulator's busy
 * fraction) or a seeded pattern of busy and quiet phases; {@link GpuPhysics} turns it into
 * power, temperature, clocks and clock-event reasons. Time comes from the injected clock, so
 * a fixed clock and seed give byte-identical output. Faults can be injected per GPU and field
 * with NVML's own return codes.
 */
public final class SimulatedGpuBackend implements GpuBackend {
    static final double POWER_LIMIT_W = 700;
    private static final long FB_TOTAL_MIB = 81559;
    private static final long FB_RESERVED_MIB = 591;
    private static final double STEP_S = 0.1;

    private final Clock clock;
    private final DoubleSupplier externalLoad;
    private final List<GpuDeviceInfo> devices = new ArrayList<>();
    private final List<Gpu> gpus = new ArrayList<>();
    private final Map<String, NvmlReturn> faults = new ConcurrentHashMap<>();
    private volatile long hangMillis;

    private static final class Gpu {
        final GpuPhysics physics;
        final double phase;
        final double period;
        final double modelMib;
        long pid;
        final List<XidEvent> pendingXids = new ArrayList<>();
        /** Row remapper state as NVML reports it: set by XIDs 63/94 (pending) and 64 (failure). */
        boolean remapPending;

        boolean remapFailure;
        Instant last;

        Gpu(GpuPhysics physics, double phase, double period, double modelMib, long pid, Instant start) {
            this.physics = physics;
            this.phase = phase;
            this.period = period;
            this.modelMib = modelMib;
            this.pid = pid;
            this.last = start;
        }
    }

    /**
     * @param count        number of GPUs
     * @param seed         seed of the load patterns and noise
     * @param ambientC     inlet air temperature, °C (raise it to drive the GPUs into thermal slowdown)
     * @param clock        time source
     * @param externalLoad utilisation 0–1 applied to every GPU, or null for the built-in pattern
     */
    /**
     * Makes {@code pid} the process holding every simulated GPU's memory (by default made-up pids
     * 4100+): the daemon names its own process when the simulated engine driving the GPUs runs in
     * it, so process-to-GPU mapping can be followed without GPUs.
     */
    public void holdBy(long pid) {
        for (Gpu g : gpus) {
            synchronized (g) {
                g.pid = pid;
            }
        }
    }

    public SimulatedGpuBackend(int count, long seed, double ambientC, Clock clock, DoubleSupplier externalLoad) {
        this.clock = clock;
        this.externalLoad = externalLoad;
        SplittableRandom r = new SplittableRandom(seed);
        // Start as if the node had been running for a while: ten minutes of history are integrated
        // on the first read, so a demo shows warm GPUs rather than a cold start.
        Instant start = clock.instant().minusSeconds(600);
        for (int i = 0; i < count; i++) {
            String uuid = String.format(
                    "GPU-%08x-%04x-%04x-%04x-%012x",
                    r.nextInt() & 0xffffffffL,
                    r.nextInt(0x10000),
                    r.nextInt(0x10000),
                    r.nextInt(0x10000),
                    r.nextLong() & 0xffffffffffffL);
            int[] buses = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};
            String bus = String.format("00000000:%02X:00.0", i < buses.length ? buses[i] : 0x10 + i);
            devices.add(new GpuDeviceInfo(
                    i,
                    uuid,
                    bus,
                    i,
                    "NVIDIA H100 80GB HBM3",
                    "NVIDIA",
                    String.format("16523220%05d", r.nextInt(100000)),
                    "96.00.99.00.01",
                    FB_TOTAL_MIB << 20,
                    POWER_LIMIT_W,
                    GpuPhysics.SLOWDOWN_C,
                    GpuPhysics.SHUTDOWN_C,
                    GpuPhysics.MEMORY_MAX_C,
                    true));
            gpus.add(new Gpu(
                    new GpuPhysics(POWER_LIMIT_W, ambientC),
                    r.nextDouble() * 2 * Math.PI,
                    240 + r.nextInt(360),
                    62_000 + r.nextInt(8_000),
                    4100 + i,
                    start));
            // Energy since boot: a few days of service at ~450 W.
            gpus.get(i).physics.energyMj = (2 + r.nextDouble() * 5) * 86_400 * 450 * 1000;
        }
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public String driverVersion() {
        return "580.95.05";
    }

    @Override
    public String nvmlVersion() {
        return "13.580.95.05";
    }

    @Override
    public List<GpuDeviceInfo> devices() {
        return List.copyOf(devices);
    }

    /** Makes every later read of {@code field} on {@code gpu} fail with {@code code} (null clears). */
    public void injectFault(int gpu, String field, NvmlReturn code) {
        if (code == null) {
            faults.remove(gpu + "/" + field);
        } else {
            faults.put(gpu + "/" + field, code);
        }
    }

    /** Makes every GPU call of {@code gpu} return GPU_IS_LOST from now on. */
    public void loseGpu(int gpu) {
        injectFault(gpu, "*", NvmlReturn.GPU_IS_LOST);
    }

    /** Makes each later read block for {@code millis} (0 to stop), as a hung driver call does. */
    public void hang(long millis) {
        hangMillis = millis;
    }

    /**
     * Queues an XID event on {@code gpu}, as the driver would report it. As on a real GPU, XID 63
     * (row remap recorded) and 94 (contained ECC error) leave a row remap pending until a reset,
     * and XID 64 (remap failed) sets the row remapper's failure flag.
     */
    public void injectXid(int gpu, long xid) {
        Gpu g = gpus.get(gpu);
        synchronized (g) {
            g.pendingXids.add(new XidEvent(xid));
            g.remapPending |= xid == 63 || xid == 94;
            g.remapFailure |= xid == 64;
        }
    }

    /** Changes the inlet temperature of every GPU, °C. */
    public void setAmbient(double celsius) {
        for (Gpu g : gpus) {
            synchronized (g) {
                g.physics.ambientC = celsius;
            }
        }
    }

    @Override
    public DeviceReader reader(int index) {
        Gpu g = gpus.get(index);
        synchronized (g) {
            advance(g);
        }
        return new Reader(index, g);
    }

    private void advance(Gpu g) {
        Instant now = clock.instant();
        double elapsed = (now.toEpochMilli() - g.last.toEpochMilli()) / 1000.0;
        if (elapsed <= 0) {
            return;
        }
        // Catch up at most 10 minutes, in fixed steps, so results do not depend on the reading rate.
        elapsed = Math.min(elapsed, 600);
        double t = g.last.toEpochMilli() / 1000.0;
        int steps = (int) Math.ceil(elapsed / STEP_S);
        double dt = elapsed / steps;
        for (int i = 0; i < steps; i++) {
            t += dt;
            g.physics.step(load(g, t), dt);
        }
        g.last = now;
    }

    private double load(Gpu g, double t) {
        if (externalLoad != null) {
            return externalLoad.getAsDouble();
        }
        // Busy serving with slow swings, and a quiet stretch in each cycle.
        double wave = Math.sin(2 * Math.PI * t / g.period + g.phase);
        return wave < -0.7 ? 0.0 : 0.62 + 0.35 * wave;
    }

    private final class Reader implements DeviceReader {
        private final int index;
        private final Gpu gpu;

        Reader(int index, Gpu gpu) {
            this.index = index;
            this.gpu = gpu;
        }

        private void check(String field, String function) throws GpuCallException {
            long hang = hangMillis;
            if (hang > 0) {
                try {
                    Thread.sleep(hang);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            NvmlReturn all = faults.get(index + "/*");
            if (all != null) {
                throw new GpuCallException(function, all);
            }
            NvmlReturn one = faults.get(index + "/" + field);
            if (one != null) {
                throw new GpuCallException(function, one);
            }
        }

        @Override
        public double read(DcgmField field) throws GpuCallException {
            check(field.name(), "sim:" + field.name());
            synchronized (gpu) {
                GpuPhysics p = gpu.physics;
                double u = p.utilization;
                double usedMib = u < 0.02 && gpu.modelMib < 1 ? 0 : gpu.modelMib + 8_000 * u;
                return switch (field) {
                    case DCGM_FI_DEV_SM_CLOCK -> Math.round(p.smClockMhz);
                    case DCGM_FI_DEV_MEM_CLOCK -> GpuPhysics.MEM_CLOCK_MHZ;
                    case DCGM_FI_DEV_GPU_TEMP -> Math.round(p.temperatureC);
                    case DCGM_FI_DEV_MEMORY_TEMP -> Math.round(p.temperatureC + 4);
                    case DCGM_FI_DEV_POWER_USAGE -> Math.round(p.powerW * 1000) / 1000.0;
                    case DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION -> Math.floor(p.energyMj);
                    case DCGM_FI_DEV_GPU_UTIL -> Math.round(u * 100);
                    case DCGM_FI_DEV_MEM_COPY_UTIL -> Math.round(u * 55);
                    case DCGM_FI_DEV_ENC_UTIL,
                            DCGM_FI_DEV_DEC_UTIL,
                            DCGM_FI_DEV_PCIE_REPLAY_COUNTER,
                            DCGM_FI_DEV_ECC_SBE_VOL_TOTAL,
                            DCGM_FI_DEV_ECC_DBE_VOL_TOTAL,
                            DCGM_FI_DEV_ECC_SBE_AGG_TOTAL,
                            DCGM_FI_DEV_ECC_DBE_AGG_TOTAL,
                            DCGM_FI_DEV_RETIRED_SBE,
                            DCGM_FI_DEV_RETIRED_DBE,
                            DCGM_FI_DEV_RETIRED_PENDING,
                            DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS,
                            DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS,
                            DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL,
                            DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL,
                            DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL,
                            DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL,
                            DCGM_FI_DEV_SYNC_BOOST_VIOLATION,
                            DCGM_FI_DEV_BOARD_LIMIT_VIOLATION,
                            DCGM_FI_DEV_LOW_UTIL_VIOLATION,
                            DCGM_FI_DEV_RELIABILITY_VIOLATION -> 0;
                    case DCGM_FI_DEV_ROW_REMAP_PENDING -> gpu.remapPending ? 1 : 0;
                    case DCGM_FI_DEV_ROW_REMAP_FAILURE -> gpu.remapFailure ? 1 : 0;
                    case DCGM_FI_DEV_POWER_VIOLATION -> Math.floor(p.powerViolationNs);
                    case DCGM_FI_DEV_THERMAL_VIOLATION -> Math.floor(p.thermalViolationNs);
                    case DCGM_FI_DEV_FB_USED -> Math.round(usedMib);
                    case DCGM_FI_DEV_FB_RESERVED -> FB_RESERVED_MIB;
                    case DCGM_FI_DEV_FB_FREE -> FB_TOTAL_MIB - FB_RESERVED_MIB - Math.round(usedMib);
                    // 18 NVLink 4 links; counters in KiB as DCGM reports them.
                    case DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL -> Math.floor(p.energyMj / 7.0);
                    case DCGM_FI_PROF_GR_ENGINE_ACTIVE -> round4(u);
                    case DCGM_FI_PROF_SM_ACTIVE -> round4(u * 0.93);
                    case DCGM_FI_PROF_SM_OCCUPANCY -> round4(u * 0.41);
                    case DCGM_FI_PROF_PIPE_TENSOR_ACTIVE -> round4(u * 0.58);
                    case DCGM_FI_PROF_DRAM_ACTIVE -> round4(u * 0.67);
                    case DCGM_FI_PROF_PIPE_FP64_ACTIVE -> 0;
                    case DCGM_FI_PROF_PIPE_FP32_ACTIVE -> round4(u * 0.07);
                    case DCGM_FI_PROF_PIPE_FP16_ACTIVE -> round4(u * 0.21);
                    case DCGM_FI_PROF_PCIE_TX_BYTES -> Math.round(u * 1.1e9);
                    case DCGM_FI_PROF_PCIE_RX_BYTES -> Math.round(u * 2.3e9);
                    case DCGM_FI_PROF_NVLINK_TX_BYTES, DCGM_FI_PROF_NVLINK_RX_BYTES -> Math.round(u * 4.5e10);
                    default -> throw new GpuCallException("sim:" + field.name(), NvmlReturn.NOT_SUPPORTED);
                };
            }
        }

        private static double round4(double v) {
            return Math.round(v * 10_000) / 10_000.0;
        }

        @Override
        public String readLabel(DcgmField field) throws GpuCallException {
            check(field.name(), "sim:" + field.name());
            GpuDeviceInfo d = devices.get(index);
            return switch (field) {
                case DCGM_FI_DRIVER_VERSION -> driverVersion();
                case DCGM_FI_NVML_VERSION -> nvmlVersion();
                case DCGM_FI_DEV_BRAND -> d.brand();
                case DCGM_FI_DEV_SERIAL -> d.serial();
                case DCGM_FI_DEV_VBIOS_VERSION -> d.vbiosVersion();
                case DCGM_FI_DEV_OEM_INFOROM_VER -> "G520.0200.00.05";
                case DCGM_FI_DEV_ECC_INFOROM_VER, DCGM_FI_DEV_POWER_INFOROM_VER -> "7.0";
                case DCGM_FI_DEV_INFOROM_IMAGE_VER -> "G520.0200.00.05";
                default -> throw new GpuCallException("sim:" + field.name(), NvmlReturn.NOT_SUPPORTED);
            };
        }

        @Override
        public long clockEventReasons() throws GpuCallException {
            check("clock_event_reasons", "sim:clockEventReasons");
            synchronized (gpu) {
                return gpu.physics.clockEventBits;
            }
        }

        @Override
        public List<GpuProcess> processes() throws GpuCallException {
            check("processes", "sim:processes");
            synchronized (gpu) {
                return List.of(new GpuProcess(gpu.pid, (long) (gpu.modelMib * (1 << 20)), "compute"));
            }
        }

        @Override
        public List<XidEvent> drainXidEvents() throws GpuCallException {
            check("xid_events", "sim:xidEvents");
            synchronized (gpu) {
                List<XidEvent> events = List.copyOf(gpu.pendingXids);
                gpu.pendingXids.clear();
                return events;
            }
        }
    }

    @Override
    public void close() {}
}
