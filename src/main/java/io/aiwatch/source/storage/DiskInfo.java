package io.aiwatch.source.storage;

/**
 * What sysfs says about one block device, for the {@code aiwatch_disk_info} series.
 *
 * @param device           kernel name ({@code nvme0n1}, {@code sda}, {@code dm-0})
 * @param partition        true for a partition ({@code sda1}); its queue values are its disk's
 * @param model            {@code device/model}, trimmed; empty when the device has none (virtio, dm)
 * @param deviceClass      nvme, ssd, hdd, virtual, network, ram, or unknown; see {@link DeviceClass}
 * @param rotational       "1", "0", or "" when sysfs does not say
 * @param scheduler        the active I/O scheduler ({@code mq-deadline}, {@code none}), or ""
 * @param logicalBlockSize logical block size in bytes, or "" when unknown
 */
public record DiskInfo(
        String device,
        boolean partition,
        String model,
        String deviceClass,
        String rotational,
        String scheduler,
        String logicalBlockSize) {}
