package io.aiwatch.source.storage;

/**
 * One line of {@code /proc/diskstats}, raw kernel values (see the kernel's
 * Documentation/ABI/testing/procfs-diskstats). Counters are unsigned and wrap; keep them as read.
 * Fields a kernel does not provide are -1: discard fields need 4.18+ (18 fields in the line),
 * flush fields 5.5+ (20 fields).
 *
 * @param fieldCount        fields in the line, including major, minor and name: 14, 18 or 20
 * @param readsCompleted    reads completed successfully
 * @param readsMerged       adjacent reads merged
 * @param sectorsRead       512-byte sectors read, whatever the device's block size
 * @param readTimeMs        milliseconds spent reading
 * @param writesCompleted   writes completed
 * @param writesMerged      adjacent writes merged
 * @param sectorsWritten    512-byte sectors written
 * @param writeTimeMs       milliseconds spent writing
 * @param ioInProgress      I/Os in flight now (a gauge)
 * @param ioTimeMs          milliseconds the device had I/O in flight
 * @param weightedIoTimeMs  milliseconds of I/O time weighted by the number in flight
 * @param discardsCompleted discards completed (-1 before 4.18)
 * @param discardsMerged    discards merged (-1 before 4.18)
 * @param sectorsDiscarded  512-byte sectors discarded (-1 before 4.18)
 * @param discardTimeMs     milliseconds spent discarding (-1 before 4.18)
 * @param flushesCompleted  flush requests completed (-1 before 5.5)
 * @param flushTimeMs       milliseconds spent flushing (-1 before 5.5)
 */
public record DiskStats(
        int major,
        int minor,
        String device,
        int fieldCount,
        long readsCompleted,
        long readsMerged,
        long sectorsRead,
        long readTimeMs,
        long writesCompleted,
        long writesMerged,
        long sectorsWritten,
        long writeTimeMs,
        long ioInProgress,
        long ioTimeMs,
        long weightedIoTimeMs,
        long discardsCompleted,
        long discardsMerged,
        long sectorsDiscarded,
        long discardTimeMs,
        long flushesCompleted,
        long flushTimeMs) {

    public boolean hasDiscards() {
        return fieldCount >= 18;
    }

    public boolean hasFlushes() {
        return fieldCount >= 20;
    }
}
