package io.aiwatch.tool.cuda.bench;

import java.util.Map;

/**
 * One microbenchmark figure with its correctness check.
 *
 * @param name e.g. "d2d_copy", "fp32_fma", "bf16_matmul", "h2d_pinned"
 * @param value the figure (bytes/s or FLOP/s)
 * @param unit "B/s" or "FLOP/s"
 * @param medianSeconds median time of one timed repetition
 * @param repeats timed repetitions
 * @param params sizes and seeds
 * @param checkPassed whether the result matched the host computation
 * @param check what was checked and how close it was
 */
public record Measurement(
        String name,
        double value,
        String unit,
        double medianSeconds,
        int repeats,
        Map<String, Object> params,
        boolean checkPassed,
        String check) {}
