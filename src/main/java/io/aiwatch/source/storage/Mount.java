package io.aiwatch.source.storage;

/**
 * One line of {@code /proc/PID/mountinfo}, with octal escapes ({@code \040}) decoded.
 *
 * @param majorMinor   {@code st_dev} of the mounted filesystem, {@code 254:0}
 * @param mountPoint   where it is mounted, relative to the process's root
 * @param fsType       filesystem type ({@code ext4}, {@code xfs}, {@code zfs}, {@code nfs4}); may carry a subtype
 * @param source       mount source ({@code /dev/nvme0n1p1}, {@code tank/models}, {@code server:/export})
 * @param readOnly     true when the mount or superblock options contain {@code ro} or the superblock
 *                     options {@code emergency_ro} (node_exporter's rule)
 */
public record Mount(String majorMinor, String mountPoint, String fsType, String source, boolean readOnly) {}
