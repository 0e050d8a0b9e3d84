/**
 * When requests are sent: seeded gamma/Poisson arrival times ({@link
 * io.aiwatch.tool.loadgen.schedule.ArrivalSchedule}), the park-then-spin {@link
 * io.aiwatch.tool.loadgen.schedule.Pacer}, and the raised priority of the pacing thread ({@link
 * io.aiwatch.tool.loadgen.schedule.TimingPriority}).
 */
package io.aiwatch.tool.loadgen.schedule;
