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
