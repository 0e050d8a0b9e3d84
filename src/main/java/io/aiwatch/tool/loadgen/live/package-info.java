/**
 * What a running load generator shows while it runs: Prometheus metrics ({@link
 * io.aiwatch.tool.loadgen.live.LiveMetrics}, served by {@link io.aiwatch.tool.loadgen.live.MetricsServer})
 * and the console progress line.
 */
package io.aiwatch.tool.loadgen.live;
