/**
 * Human-readable reports of a finished run: the console summary and the HTML report.
 */
package io.aiwatch.tool.loadgen.report;
