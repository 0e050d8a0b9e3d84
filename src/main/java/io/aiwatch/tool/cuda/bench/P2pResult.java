package io.aiwatch.tool.cuda.bench;

import java.util.List;
import java.util.Map;

/**
 * What {@code aiwatch bench p2p} measured (also its JSON document, {@code p2p-bench.json}). Bandwidths in
 * bytes per second, latencies in seconds, every figure the median of {@code repeats} timed repetitions.
 *
 * @param date       ISO-8601 start
 * @param gpus       the GPUs' names by ordinal
 * @param bytes      bytes per bandwidth copy
 * @param repeats    timed repetitions per figure
 * @param pairs      every ordered pair (source, destination)
 * @param concurrent all pairs copying at once
 * @param torch      PyTorch's figures for the same pairs (same keys), or null
 */
public record P2pResult(
        String date,
        List<String> gpus,
        long bytes,
        int repeats,
        List<Pair> pairs,
        Concurrent concurrent,
        Map<String, Double> torch) {

    /**
     * One direction of one pair.
     *
     * @param src                  source GPU ordinal
     * @param dst                  destination GPU ordinal
     * @param peerAccess           cuDeviceCanAccessPeer(dst, src): direct peer copies (else the driver stages them)
     * @param peerBytesPerSecond   cuMemcpyPeerAsync of {@code bytes}, device-timed with events
     * @param peerLatencySeconds   one small (4-byte) cuMemcpyPeerAsync, mean of a batch of 100 between events
     * @param stagedBytesPerSecond the same bytes through pinned host memory (D2H on src, then H2D on dst), host-timed
     * @param checked              the destination held the source's bytes after the copies
     */
    public record Pair(
            int src,
            int dst,
            boolean peerAccess,
            double peerBytesPerSecond,
            double peerLatencySeconds,
            double stagedBytesPerSecond,
            boolean checked) {

        /** The key of this pair's figures in {@link #torch}: {@code "0->1"}. */
        public String key() {
            return src + "->" + dst;
        }
    }

    /**
     * Every ordered pair copying {@code bytes} at the same time, each on its own stream.
     *
     * @param streams              copies in flight
     * @param totalBytesPerSecond  all bytes moved / wall time from first launch to last completion
     * @param minPairBytesPerSecond the slowest pair's own rate in that run (event-timed)
     */
    public record Concurrent(int streams, double totalBytesPerSecond, double minPairBytesPerSecond) {}

    /** True when every pair's data check passed. */
    public boolean allChecked() {
        return pairs.stream().allMatch(Pair::checked);
    }
}
