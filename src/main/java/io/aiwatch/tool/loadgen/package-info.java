/**
 * The load generator (aiwatch loadgen): {@link io.aiwatch.tool.loadgen.LoadgenSession} assembles a run or a
 * sweep from the sub-packages (record at the bottom; schedule, workload, client, live, result above it;
 * report on result) and {@link io.aiwatch.tool.loadgen.LoadRunner} drives one run.
 */
package io.aiwatch.tool.loadgen;
