package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Memory;
import com.sun.jna.ptr.PointerByReference;
import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlHandles.GpmSample;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpmMetricsGet;
import io.aiwatch.source.gpu.nvml.NvmlStructs.GpmSupport;
import java.util.List;

/**
 * GPM (Hopper and newer) profiling metrics of one device. GPM metrics are rates over the time
 * between two samples, so each {@link #advance} takes a sample and computes the metrics over
 * the previous cycle's sample and this one; the first call has no previous sample and throws
 * NO_DATA. Two sample buffers are allocated once and swapped.
 */
final class GpmSampler {

    /** A DCGM profiling field, the GPM metric behind it, and the factor to dcgm-exporter's unit. */
    record Metric(DcgmField field, int gpmId, double scale) {}

    private static final double PERCENT = 0.01;
    private static final double MIB = 1024.0 * 1024.0;

    /** nvmlGpmMetricId_t values from nvml.h; percent → ratio, MiB/s → bytes/s. */
    static final List<Metric> METRICS = List.of(
            new Metric(DcgmField.DCGM_FI_PROF_GR_ENGINE_ACTIVE, 1, PERCENT), // NVML_GPM_METRIC_GRAPHICS_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_SM_ACTIVE, 2, PERCENT), // NVML_GPM_METRIC_SM_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_SM_OCCUPANCY, 3, PERCENT), // NVML_GPM_METRIC_SM_OCCUPANCY
            new Metric(DcgmField.DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, 5, PERCENT), // NVML_GPM_METRIC_ANY_TENSOR_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_DRAM_ACTIVE, 10, PERCENT), // NVML_GPM_METRIC_DRAM_BW_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_PIPE_FP64_ACTIVE, 11, PERCENT), // NVML_GPM_METRIC_FP64_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_PIPE_FP32_ACTIVE, 12, PERCENT), // NVML_GPM_METRIC_FP32_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_PIPE_FP16_ACTIVE, 13, PERCENT), // NVML_GPM_METRIC_FP16_UTIL
            new Metric(DcgmField.DCGM_FI_PROF_PCIE_TX_BYTES, 20, MIB), // NVML_GPM_METRIC_PCIE_TX_PER_SEC
            new Metric(DcgmField.DCGM_FI_PROF_PCIE_RX_BYTES, 21, MIB), // NVML_GPM_METRIC_PCIE_RX_PER_SEC
            new Metric(DcgmField.DCGM_FI_PROF_NVLINK_TX_BYTES, 61, MIB), // NVML_GPM_METRIC_NVLINK_TOTAL_TX_PER_SEC
            new Metric(DcgmField.DCGM_FI_PROF_NVLINK_RX_BYTES, 60, MIB)); // NVML_GPM_METRIC_NVLINK_TOTAL_RX_PER_SEC

    /** The metrics of one sample pair: a value or the metric's own NVML error code. */
    record Result(double[] values, int[] codes) {
        double value(Nvml nvml, DcgmField field) throws GpuCallException {
            for (int i = 0; i < METRICS.size(); i++) {
                if (METRICS.get(i).field() == field) {
                    if (codes[i] != Nvml.SUCCESS) {
                        throw nvml.error("nvmlGpmMetricsGet", codes[i]);
                    }
                    if (!Double.isFinite(values[i])) {
                        // Seen on an idle H100 (driver 580.159.04): DRAM_BW_UTIL came back NaN with
                        // NVML_SUCCESS for a short sample pair. A ratio of NaN is no reading: skip this cycle.
                        throw new GpuCallException(
                                "nvmlGpmMetricsGet",
                                Nvml.ERROR_NO_DATA,
                                field + " came back " + values[i] + " for this sample pair");
                    }
                    return values[i] * METRICS.get(i).scale();
                }
            }
            throw new GpuCallException("nvmlGpmMetricsGet", Nvml.ERROR_NOT_SUPPORTED, field + " has no GPM metric");
        }
    }

    private final Nvml nvml;
    private final Device device;
    private GpmSample previous;
    private GpmSample current;
    private boolean havePrevious;
    /** The nvmlGpmMetricsGet_t buffer, reused every cycle (advance is synchronized). */
    private Memory metricsGet;

    private Result latest;
    private boolean closed;

    private GpmSampler(Nvml nvml, Device device) {
        this.nvml = nvml;
        this.device = device;
    }

    /** A sampler when GPM works on the device, else null (no symbols, not Hopper, or an error). */
    static GpmSampler probe(Nvml nvml, Device device) {
        for (String s : List.of(
                "nvmlGpmQueryDeviceSupport",
                "nvmlGpmSampleAlloc",
                "nvmlGpmSampleFree",
                "nvmlGpmSampleGet",
                "nvmlGpmMetricsGet")) {
            if (!nvml.has(s)) {
                return null;
            }
        }
        GpmSupport support = new GpmSupport();
        support.version = GpmSupport.VERSION;
        int rc = nvml.lib.nvmlGpmQueryDeviceSupport(device, support);
        return rc == Nvml.SUCCESS && support.isSupportedDevice != 0 ? new GpmSampler(nvml, device) : null;
    }

    /** Samples now and returns the metrics since the previous call. Throws NO_DATA the first time. */
    synchronized Result advance() throws GpuCallException {
        if (closed) {
            throw new GpuCallException("nvmlGpmSampleGet", 1, "backend closed");
        }
        allocate();
        nvml.check("nvmlGpmSampleGet", nvml.lib.nvmlGpmSampleGet(device, current));
        if (!havePrevious) {
            havePrevious = true;
            swap();
            throw new GpuCallException(
                    "nvmlGpmMetricsGet", Nvml.ERROR_NO_DATA, "first GPM sample; metrics need two cycles");
        }
        GpmMetricsGet.Layout l = GpmMetricsGet.LAYOUT;
        if (metricsGet == null) {
            metricsGet = new Memory(l.size());
        }
        Memory get = metricsGet;
        get.clear();
        get.setInt(l.version(), GpmMetricsGet.VERSION);
        get.setInt(l.numMetrics(), METRICS.size());
        get.setPointer(l.sample1(), previous.getPointer());
        get.setPointer(l.sample2(), current.getPointer());
        for (int i = 0; i < METRICS.size(); i++) {
            get.setInt(
                    l.metrics() + (long) i * l.metricSize() + l.metricId(),
                    METRICS.get(i).gpmId());
        }
        int rc = nvml.lib.nvmlGpmMetricsGet(get);
        swap();
        nvml.check("nvmlGpmMetricsGet", rc);
        double[] values = new double[METRICS.size()];
        int[] codes = new int[METRICS.size()];
        for (int i = 0; i < METRICS.size(); i++) {
            long entry = l.metrics() + (long) i * l.metricSize();
            codes[i] = get.getInt(entry + l.metricReturn());
            values[i] = get.getDouble(entry + l.metricValue());
        }
        latest = new Result(values, codes);
        return latest;
    }

    /** The metrics computed by the last {@link #advance}, without sampling. */
    synchronized Result latest() throws GpuCallException {
        if (latest == null) {
            throw new GpuCallException("nvmlGpmMetricsGet", Nvml.ERROR_NO_DATA, "no GPM sample pair yet");
        }
        return latest;
    }

    synchronized void close() {
        closed = true;
        for (GpmSample s : new GpmSample[] {previous, current}) {
            if (s != null) {
                nvml.lib.nvmlGpmSampleFree(s);
            }
        }
        previous = null;
        current = null;
    }

    private void allocate() throws GpuCallException {
        if (previous == null) {
            previous = alloc();
        }
        if (current == null) {
            current = alloc();
        }
    }

    private GpmSample alloc() throws GpuCallException {
        PointerByReference ref = new PointerByReference();
        nvml.check("nvmlGpmSampleAlloc", nvml.lib.nvmlGpmSampleAlloc(ref));
        return new GpmSample(ref.getValue());
    }

    /** The sample just taken becomes the previous one; the older buffer is reused next time. */
    private void swap() {
        GpmSample t = previous;
        previous = current;
        current = t;
    }
}
