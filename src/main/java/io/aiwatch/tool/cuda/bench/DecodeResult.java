package io.aiwatch.tool.cuda.bench;

import java.util.List;

/**
 * One decode configuration's outcome.
 *
 * @param model preset name
 * @param batch sequences decoded together
 * @param contextStart context length at the first timed step
 * @param contextEnd context length after the last timed step (equal when the context is held)
 * @param steps timed steps
 * @param status "ok", "does-not-fit" (memory needed exceeds what is free: a negative result), or "failed"
 * @param detail why, for a status other than ok
 * @param memoryBytes device memory the configuration needs
 * @param tokensPerSecond batch / mean step time
 * @param stepP50Seconds step latency percentiles
 * @param bytesPerStep bytes the step must read (weights + KV cache at mid context)
 * @param flopsPerStep FLOPs of one step at mid context
 * @param bytesPerSecond achieved bytes/s (bytesPerStep / mean step)
 * @param flopsPerSecond achieved FLOP/s
 * @param gemmPath "skinny" (weights read once per 64 rows) or "tiled" (128 x 256 tensor-core tiles)
 * @param checkPassed whether the sampled GEMM and attention outputs matched the host
 * @param check what was checked
 */
public record DecodeResult(
        String model,
        int batch,
        int contextStart,
        int contextEnd,
        int steps,
        String status,
        String detail,
        long memoryBytes,
        double tokensPerSecond,
        double stepP50Seconds,
        double stepP95Seconds,
        double stepP99Seconds,
        double stepMeanSeconds,
        double bytesPerStep,
        double flopsPerStep,
        double bytesPerSecond,
        double flopsPerSecond,
        String gemmPath,
        boolean checkPassed,
        String check,
        List<SustainPoint> sustain) {

    /**
     * One window of a sustained run: seconds since its start, decode throughput and mean step time
     * in that window (read beside the GPU's power, temperature and clocks of the same moment).
     */
    public record SustainPoint(double atSeconds, double tokensPerSecond, double stepMeanSeconds) {}

    public DecodeResult {
        sustain = List.copyOf(sustain);
    }

    /**
     * Flat figures for the experiment runner's summary (unit as the name's suffix); a configuration
     * that did not fit has {@code fits} 0 and nothing else.
     */
    public java.util.Map<String, Double> summary() {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("fits", "does-not-fit".equals(status) ? 0.0 : 1.0);
        m.put("memory_bytes", (double) memoryBytes);
        if (!"ok".equals(status)) {
            return m;
        }
        m.put("check_passed", checkPassed ? 1.0 : 0.0);
        m.put("tokens_per_s", tokensPerSecond);
        m.put("step_p50_ms", stepP50Seconds * 1e3);
        m.put("step_p95_ms", stepP95Seconds * 1e3);
        m.put("step_p99_ms", stepP99Seconds * 1e3);
        m.put("step_mean_ms", stepMeanSeconds * 1e3);
        m.put("bytes_per_s", bytesPerSecond);
        m.put("flops_per_s", flopsPerSecond);
        m.put("flop_per_byte", arithmeticIntensity());
        if (!sustain.isEmpty()) {
            int n = sustain.size();
            int tenth = Math.max(1, n / 10);
            double first = sustain.subList(0, tenth).stream()
                    .mapToDouble(SustainPoint::tokensPerSecond)
                    .average()
                    .orElse(0);
            double last = sustain.subList(n - tenth, n).stream()
                    .mapToDouble(SustainPoint::tokensPerSecond)
                    .average()
                    .orElse(0);
            m.put("sustain_s", sustain.get(n - 1).atSeconds());
            m.put(
                    "sustain_tokens_per_s",
                    sustain.stream()
                            .mapToDouble(SustainPoint::tokensPerSecond)
                            .average()
                            .orElse(0));
            m.put("sustain_first_tenth_tokens_per_s", first);
            m.put("sustain_last_tenth_tokens_per_s", last);
            m.put("sustain_last_over_first_ratio", first == 0 ? 0 : last / first);
        }
        return m;
    }

    /** FLOPs per byte read: where the step sits on the roofline. */
    public double arithmeticIntensity() {
        return bytesPerStep == 0 ? 0 : flopsPerStep / bytesPerStep;
    }

    static DecodeResult notRun(ModelShape m, int batch, int context, String status, String detail, long memory) {
        return new DecodeResult(
                m.name(),
                batch,
                context,
                context,
                0,
                status,
                detail,
                memory,
                0,
                0,
                0,
                0,
                0,
                m.bytesPerStep(batch, context),
                m.flopsPerStep(batch, context),
                0,
                0,
                "",
                false,
                "",
                List.of());
    }
}
