package io.aiwatch.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code aiwatch loadgen}: what is reported and written (vllm bench serve's names and defaults, plus aiwatch's own). */
final class LoadgenOutputOptions {
    @Option(names = "--label", description = "Result label (default: null; files are named by --backend).")
    String label;

    @Option(names = "--save-result", description = "Write the result JSON (vllm bench serve's).")
    boolean saveResult;

    @Option(names = "--save-detailed", description = "Keep the per-request arrays in it.")
    boolean saveDetailed;

    @Option(names = "--append-result", description = "Append the result JSON as one more line of the file.")
    boolean appendResult;

    @Option(names = "--metadata", arity = "0..*", paramLabel = "KEY=VALUE", description = "Written into the result.")
    List<String> metadata;

    @Option(names = "--result-dir", description = "Directory of every output file.")
    Path resultDir;

    @Option(names = "--result-filename", description = "Result JSON name (default: vLLM's naming).")
    String resultFilename;

    @Option(
            names = "--percentile-metrics",
            description = "Of ttft,tpot,itl,e2el (vLLM) and schedule_lag (default: ttft,tpot,itl).")
    String percentileMetrics;

    @Option(
            names = "--metric-percentiles",
            defaultValue = "99",
            description = "Percentiles to report (default: ${DEFAULT-VALUE}).")
    String metricPercentiles;

    @Option(names = "--goodput", arity = "1..*", description = "SLOs KEY:MS with KEY ttft, tpot or e2el.")
    List<String> goodput;

    @Option(names = "--disable-tqdm", description = "No progress line (vLLM's progress bar).")
    boolean disableTqdm;

    @Option(names = "--no-progress", description = "No progress line on stderr.")
    boolean noProgress;

    @Option(names = "--plot-timeline", description = "Write the HTML report beside the result as .timeline.html.")
    boolean plotTimeline;

    @Option(
            names = "--timeline-itl-thresholds",
            defaultValue = "25,50",
            description = "Two ITL thresholds in ms, checked as vLLM checks them (default: ${DEFAULT-VALUE}).")
    String timelineItlThresholds;

    @Option(
            names = "--fail-on-error",
            description = "Exit 1 when any request failed (a run where all fail always exits 1).")
    boolean failOnError;

    @Option(names = "--save-requests", description = "Per-request records, .jsonl or .csv.")
    String requestsFile;

    @Option(names = "--hdr-log", description = "HdrHistogram interval log file.")
    String hdrLog;

    @Option(names = "--html-report", description = "HTML report file.")
    String htmlReport;

    @Option(names = "--metrics-port", defaultValue = "-1", description = "Serve live aiwatch_loadgen_* metrics here.")
    int metricsPort;

    @Option(
            names = "--metrics-host",
            defaultValue = "0.0.0.0",
            description = "Bind address of --metrics-port (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--lag-warn-ms", defaultValue = "10", description = "Warn when schedule lag p99 exceeds this.")
    double lagWarnMs;
}
