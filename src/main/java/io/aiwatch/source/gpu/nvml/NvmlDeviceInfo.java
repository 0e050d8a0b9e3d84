package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Native;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlStructs.PciInfo;
import java.util.Locale;

/**
 * Reads the static {@link GpuDeviceInfo} of a device once at start. A value NVML cannot give
 * becomes its documented "unknown" (empty string, -1, NaN) so one unsupported query never hides
 * the device.
 */
final class NvmlDeviceInfo {
    static final int TEMPERATURE_THRESHOLD_SHUTDOWN = 0;
    static final int TEMPERATURE_THRESHOLD_SLOWDOWN = 1;
    static final int TEMPERATURE_THRESHOLD_MEM_MAX = 2;

    /** nvmlBrandType_t names, by enum value (nvml.h). */
    private static final String[] BRANDS = {
        "Unknown",
        "Quadro",
        "Tesla",
        "NVS",
        "Grid",
        "GeForce",
        "Titan",
        "NVIDIA Virtual Applications",
        "NVIDIA Virtual PC",
        "NVIDIA Virtual Compute Server",
        "NVIDIA RTX Virtual Workstation",
        "NVIDIA Cloud Gaming",
        "Quadro RTX",
        "NVIDIA RTX",
        "NVIDIA",
        "GeForce RTX",
        "Titan RTX"
    };

    private NvmlDeviceInfo() {}

    static GpuDeviceInfo read(Nvml nvml, int index, Device d, boolean gpmSupported) {
        NvmlLibrary lib = nvml.lib;
        String uuid = text(() -> nvml.string("nvmlDeviceGetUUID", (b, n) -> lib.nvmlDeviceGetUUID(d, b, n)));
        String name = text(() -> nvml.string("nvmlDeviceGetName", (b, n) -> lib.nvmlDeviceGetName(d, b, n)));
        String serial = text(() -> nvml.string("nvmlDeviceGetSerial", (b, n) -> lib.nvmlDeviceGetSerial(d, b, n)));
        String vbios =
                text(() -> nvml.string("nvmlDeviceGetVbiosVersion", (b, n) -> lib.nvmlDeviceGetVbiosVersion(d, b, n)));
        String brand = text(() -> brandName(nvml, d));
        String busId = text(() -> pciBusId(nvml, d));
        long minor = number(() -> nvml.u32("nvmlDeviceGetMinorNumber", o -> lib.nvmlDeviceGetMinorNumber(d, o)), -1);
        long totalBytes = number(() -> NvmlDeviceReader.memory(nvml, d)[0], 0);
        double powerLimit = number(
                        () -> nvml.u32(
                                "nvmlDeviceGetEnforcedPowerLimit", o -> lib.nvmlDeviceGetEnforcedPowerLimit(d, o)),
                        -1)
                / 1000.0;
        return new GpuDeviceInfo(
                index,
                uuid,
                busId,
                (int) minor,
                name,
                brand,
                serial,
                vbios,
                totalBytes,
                powerLimit < 0 ? Double.NaN : powerLimit,
                threshold(nvml, d, TEMPERATURE_THRESHOLD_SLOWDOWN),
                threshold(nvml, d, TEMPERATURE_THRESHOLD_SHUTDOWN),
                threshold(nvml, d, TEMPERATURE_THRESHOLD_MEM_MAX),
                gpmSupported);
    }

    static String brandName(Nvml nvml, Device d) throws GpuCallException {
        int b = (int) nvml.u32("nvmlDeviceGetBrand", o -> nvml.lib.nvmlDeviceGetBrand(d, o));
        return b >= 0 && b < BRANDS.length ? BRANDS[b] : "Unknown(" + b + ")";
    }

    /**
     * The 32-character {@code busId} ({@code 00000000:8D:00.0}), the form nvidia-smi and
     * dcgm-exporter show; formatted from domain/bus/device when the driver leaves it empty.
     */
    static String pciBusId(Nvml nvml, Device d) throws GpuCallException {
        nvml.require("nvmlDeviceGetPciInfo_v3");
        PciInfo pci = new PciInfo();
        nvml.check("nvmlDeviceGetPciInfo_v3", nvml.lib.nvmlDeviceGetPciInfo_v3(d, pci));
        String id = Native.toString(pci.busId, "US-ASCII").trim();
        if (!id.isEmpty()) {
            return id;
        }
        return String.format(Locale.ROOT, "%08X:%02X:%02X.0", pci.domain, pci.bus, pci.device);
    }

    private static double threshold(Nvml nvml, Device d, int type) {
        long t = number(
                () -> nvml.u32(
                        "nvmlDeviceGetTemperatureThreshold",
                        o -> nvml.lib.nvmlDeviceGetTemperatureThreshold(d, type, o)),
                -1);
        return t < 0 ? Double.NaN : t;
    }

    private interface Text {
        String get() throws GpuCallException;
    }

    private interface Number {
        long get() throws GpuCallException;
    }

    private static String text(Text t) {
        try {
            return t.get();
        } catch (GpuCallException e) {
            return "";
        }
    }

    private static long number(Number n, long unknown) {
        try {
            return n.get();
        } catch (GpuCallException e) {
            return unknown;
        }
    }
}
