/**
 * What a run is asked to do and what it recorded: {@link io.aiwatch.tool.loadgen.record.RunSpec}, one
 * {@link io.aiwatch.tool.loadgen.record.RequestRecord} per request with its {@link
 * io.aiwatch.tool.loadgen.record.Outcome}, the run's {@link io.aiwatch.tool.loadgen.record.RunResult}. The
 * bottom floor of the load generator: it imports nothing of it.
 */
package io.aiwatch.tool.loadgen.record;
