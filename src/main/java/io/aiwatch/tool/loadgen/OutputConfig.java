package io.aiwatch.tool.loadgen;

import java.nio.file.Path;

/**
 * Which outputs to write.
 *
 * @param saveResult     write the vLLM-compatible result JSON
 * @param saveDetailed   include per-request arrays in it (vLLM's --save-detailed)
 * @param resultDir      directory of every output file (null: current directory)
 * @param resultFilename result JSON name (null: vLLM's naming scheme)
 * @param requestsFile   per-request .jsonl or .csv (null: none)
 * @param hdrLog         HdrHistogram interval log (null: none)
 * @param htmlReport     HTML report (null: none)
 * @param progress       print the progress line
 * @param metricsHost    bind address of the live metrics server
 * @param metricsPort    live metrics port (-1: none, 0: any free port)
 */
public record OutputConfig(
        boolean saveResult,
        boolean saveDetailed,
        Path resultDir,
        String resultFilename,
        String requestsFile,
        String hdrLog,
        String htmlReport,
        boolean progress,
        String metricsHost,
        int metricsPort) {

    public static OutputConfig none() {
        return new OutputConfig(false, false, null, null, null, null, null, false, "127.0.0.1", -1);
    }

    /** {@code name} inside the result dir, with "-{step}" before the extension when a sweep has several steps. */
    Path resolve(String name, String stepSuffix) {
        String n = name;
        if (stepSuffix != null) {
            int dot = n.lastIndexOf('.');
            n = dot > 0 ? n.substring(0, dot) + "-" + stepSuffix + n.substring(dot) : n + "-" + stepSuffix;
        }
        return resultDir == null ? Path.of(n) : resultDir.resolve(n);
    }
}
