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
 * @param appendResult   append the result JSON as one more line to an existing file (vLLM's --append-result)
 * @param plotTimeline   write the HTML report beside the result as {@code <result>.timeline.html} (vLLM's
 *                       --plot-timeline)
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
        int metricsPort,
        boolean appendResult,
        boolean plotTimeline) {

    public OutputConfig(
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
        this(
                saveResult,
                saveDetailed,
                resultDir,
                resultFilename,
                requestsFile,
                hdrLog,
                htmlReport,
                progress,
                metricsHost,
                metricsPort,
                false,
                false);
    }

    public static OutputConfig none() {
        return new OutputConfig(false, false, null, null, null, null, null, false, "127.0.0.1", -1);
    }

    /** Whether a result JSON is written (vLLM writes it for --save-result and --append-result). */
    public boolean writesResult() {
        return saveResult || appendResult;
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
