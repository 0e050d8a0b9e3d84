package io.aiwatch.source.storage;

/**
 * The result of statvfs(3) for one mount, raw (unsigned values kept in longs).
 *
 * @param fragmentSize {@code f_frsize}: the unit of the block counts, bytes
 * @param blocks       {@code f_blocks}: size in fragments
 * @param blocksFree   {@code f_bfree}: free fragments
 * @param blocksAvail  {@code f_bavail}: fragments free for unprivileged users
 * @param files        {@code f_files}: inodes
 * @param filesFree    {@code f_ffree}: free inodes
 */
public record FsStat(long fragmentSize, long blocks, long blocksFree, long blocksAvail, long files, long filesFree) {}
