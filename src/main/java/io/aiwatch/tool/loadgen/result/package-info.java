/**
 * The result files: vLLM bench-serve fields and percentiles computed from the records, per-request files,
 * histograms, and merging the files of several workers.
 */
package io.aiwatch.tool.loadgen.result;
