package io.aiwatch.source.gpu;

/**
 * One XID error reported by the driver through NVML events.
 *
 * @param xid the XID number (e.g. 79: GPU fell off the bus)
 */
public record XidEvent(long xid) {}
