package io.aiwatch.source.storage;

import java.util.regex.Pattern;

/**
 * Classifies a block device as {@code nvme}, {@code ssd}, {@code hdd}, {@code virtual},
 * {@code network} or {@code ram}, from its kernel name, its sysfs device path and its
 * rotational flag. The order matters: RAM disks and network block devices are recognised by
 * name first; then devices the kernel calls virtual (device-mapper, md, loop) or that are
 * paravirtual disks (virtio {@code vd*}, Xen {@code xvd*}), whose rotational flag means nothing;
 * then NVMe; then the rotational flag splits HDD from SSD ({@code unknown} when sysfs does not say, as for a
 * device that vanished). A SCSI disk behind an iSCSI session
 * counts as network.
 */
final class DeviceClass {
    private static final Pattern RAM = Pattern.compile("^(z?ram|pmem|brd)\\d+.*");
    private static final Pattern NETWORK = Pattern.compile("^(nbd|rbd|drbd)\\d+.*");
    private static final Pattern VIRTUAL = Pattern.compile("^(dm-|md|loop|vd[a-z]|xvd[a-z]).*");

    private DeviceClass() {}

    /**
     * @param name       kernel name
     * @param sysPath    resolved sysfs path of the device ({@code /sys/devices/...}), or "" when unknown
     * @param rotational "1", "0" or ""
     */
    static String of(String name, String sysPath, String rotational) {
        if (RAM.matcher(name).matches()) {
            return "ram";
        }
        if (NETWORK.matcher(name).matches() || sysPath.contains("/session")) {
            return "network";
        }
        if (VIRTUAL.matcher(name).matches() || sysPath.contains("/devices/virtual/") || sysPath.contains("/virtio")) {
            return "virtual";
        }
        if (name.startsWith("nvme")) {
            return "nvme";
        }
        return switch (rotational) {
            case "1" -> "hdd";
            case "0" -> "ssd";
            default -> "unknown";
        };
    }
}
