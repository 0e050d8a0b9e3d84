package io.aiwatch.tool.loadgen.result;

import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.util.List;

/**
 * vLLM's {@code max_output_tokens_per_s} and {@code max_concurrent_requests}: one-second buckets
 * counted from the earliest send of a successful request, {@code ceil(last end - first send) + 1}
 * of them; a token's time is send + ttft + the running sum of its request's ITL gaps; a request
 * counts as concurrent in every bucket from its send's to its end's. Failed requests are left out.
 */
final class BucketPeaks {
    private BucketPeaks() {}

    /** {peak tokens in a bucket, peak requests in a bucket}; zeros without successes. */
    static double[] of(List<RequestRecord> records) {
        double minStart = Double.POSITIVE_INFINITY;
        double maxEnd = Double.NEGATIVE_INFINITY;
        for (RequestRecord r : records) {
            if (r.ok()) {
                double start = r.sendNanos() / 1e9;
                minStart = Math.min(minStart, start);
                maxEnd = Math.max(maxEnd, start + ResultFields.latencySeconds(r));
            }
        }
        if (Double.isInfinite(minStart)) {
            return new double[] {0.0, 0};
        }
        int buckets = (int) Math.ceil(maxEnd - minStart) + 1;
        double[] tokens = new double[buckets];
        int[] concurrent = new int[buckets];
        for (RequestRecord r : records) {
            if (!r.ok()) {
                continue;
            }
            double start = r.sendNanos() / 1e9;
            double t = start + ResultFields.ttftSeconds(r);
            count(tokens, (int) (t - minStart));
            for (long g : r.itlNanos()) {
                t += g / 1e9;
                count(tokens, (int) (t - minStart));
            }
            int from = (int) (start - minStart);
            int to = (int) (start + ResultFields.latencySeconds(r) - minStart);
            for (int s = from; s <= to && s < buckets; s++) {
                concurrent[s]++;
            }
        }
        double maxTokens = 0;
        int maxConcurrent = 0;
        for (int i = 0; i < buckets; i++) {
            maxTokens = Math.max(maxTokens, tokens[i]);
            maxConcurrent = Math.max(maxConcurrent, concurrent[i]);
        }
        return new double[] {maxTokens, maxConcurrent};
    }

    private static void count(double[] tokens, int bucket) {
        if (bucket >= 0 && bucket < tokens.length) {
            tokens[bucket]++;
        }
    }
}
