package io.aiwatch.tool.vllmsim;

/**
 * Busy fraction of the engine over the last second of wall time, in ten 100 ms slots: the
 * simulated GPU's utilisation (like {@code utilization.gpu}, the share of time a kernel ran).
 */
final class LoadMeter {
    private static final long SLOT_NANOS = 100_000_000L;
    private static final int SLOTS = 10;
    private final long[] busy = new long[SLOTS];
    private final long[] slotIndex = new long[SLOTS];
    /** Start of the step being simulated now (System.nanoTime), or -1 when idle. */
    private long inProgressSince = -1;

    /** A step starts: until {@link #busy} records it, it counts as busy up to "now". */
    synchronized void begin(long startNanos) {
        inProgressSince = startNanos;
    }

    /**
     * Records that the engine was busy from {@code startNanos} to {@code endNanos} (System.nanoTime)
     * and ends the step in progress. Only the part inside the window can matter, so a step longer
     * than the window is clipped rather than wrapped over the ring.
     */
    synchronized void busy(long startNanos, long endNanos) {
        inProgressSince = -1;
        long t = Math.max(startNanos, endNanos - SLOT_NANOS * (SLOTS + 1));
        while (t < endNanos) {
            long slot = Math.floorDiv(t, SLOT_NANOS);
            long slotEnd = (slot + 1) * SLOT_NANOS;
            long upto = Math.min(endNanos, slotEnd);
            int i = (int) Math.floorMod(slot, SLOTS);
            if (slotIndex[i] != slot) {
                slotIndex[i] = slot;
                busy[i] = 0;
            }
            busy[i] += upto - t;
            t = upto;
        }
    }

    /** Utilisation 0..1 over the ten slots before the current one (the last whole second). */
    synchronized double utilization(long nowNanos) {
        long current = Math.floorDiv(nowNanos, SLOT_NANOS);
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            long age = current - slotIndex[i];
            if (age >= 1 && age <= SLOTS) {
                sum += busy[i];
            }
        }
        if (inProgressSince >= 0) {
            // A long step (a big prefill chunk can take seconds) is busy time before it completes.
            long windowStart = (current - SLOTS) * SLOT_NANOS;
            long windowEnd = current * SLOT_NANOS;
            sum += Math.max(0, windowEnd - Math.max(windowStart, inProgressSince));
        }
        return Math.min(1.0, sum / (double) (SLOT_NANOS * SLOTS));
    }
}
