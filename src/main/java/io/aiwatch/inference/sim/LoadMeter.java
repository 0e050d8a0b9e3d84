package io.aiwatch.inference.sim;

/**
 * Busy fraction of the engine over the last second of wall time, in ten 100 ms slots: the
 * simulated GPU's utilisation (like {@code utilization.gpu}, the share of time a kernel ran).
 */
final class LoadMeter {
    private static final long SLOT_NANOS = 100_000_000L;
    private static final int SLOTS = 10;
    private final long[] busy = new long[SLOTS];
    private final long[] slotIndex = new long[SLOTS];

    /** Records that the engine was busy from {@code startNanos} to {@code endNanos} (System.nanoTime). */
    synchronized void busy(long startNanos, long endNanos) {
        long t = startNanos;
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
        return Math.min(1.0, sum / (double) (SLOT_NANOS * SLOTS));
    }
}
