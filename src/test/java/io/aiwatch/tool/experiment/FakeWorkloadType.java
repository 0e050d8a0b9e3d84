package io.aiwatch.tool.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code kind: fake} for runner tests: a workload that takes no time and no network, whose
 * results are a known function of its parameters and seed. Parameters: {@code level} (base latency
 * in ms), {@code requests} (records per iteration), {@code fail_iteration} (that iteration returns
 * a failure), {@code crash_iteration} (that iteration throws, once per JVM unless
 * {@code crash_always}), {@code block_iteration} (that iteration waits until cancelled, once per JVM).
 */
public final class FakeWorkloadType implements WorkloadType {
    /** Iterations that crashed already, so that a resumed run gets past them. */
    public static final Set<String> CRASHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Counted down when a blocking workload starts, for interrupt tests. */
    public static volatile CountDownLatch started = new CountDownLatch(1);

    /** Iterations that blocked already (a resumed run does not block again). */
    public static final Set<String> BLOCKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Multiplies every latency: a "slower machine" for comparison tests. */
    public static volatile double scale = 1;

    @Override
    public String kind() {
        return "fake";
    }

    @Override
    public String description() {
        return "a fake workload for tests";
    }

    @Override
    public void validate(Parameters p) {
        p.requireOnly(
                Set.of(
                        "level",
                        "requests",
                        "fail_iteration",
                        "crash_iteration",
                        "crash_always",
                        "block_iteration",
                        "rate"),
                "workload fake");
        if (p.number("level", 10) <= 0) {
            throw new ParameterException("level", "must be > 0");
        }
    }

    @Override
    public Workload create(Parameters p) {
        return new Workload() {
            private final CountDownLatch cancelled = new CountDownLatch(1);

            @Override
            public WorkloadResult run(WorkloadContext ctx) throws Exception {
                int it = ctx.iteration();
                if (p.integer("crash_iteration", -1) == it
                        && (p.flag("crash_always", false) || CRASHED.add(ctx.stepId() + "/" + it))) {
                    throw new IllegalStateException("fake crash in " + ctx.stepId() + " iteration " + it);
                }
                if (p.integer("block_iteration", -1) == it && BLOCKED.add(ctx.stepId() + "/" + it)) {
                    started.countDown();
                    boolean stopped = cancelled.await(30, TimeUnit.SECONDS);
                    return WorkloadResult.builder()
                            .summary("value_ms", 1)
                            .interrupted(stopped)
                            .build();
                }
                double level = p.number("level", 10) * (1 + p.number("rate", 0) / 10) * scale;
                SplittableRandom r = new SplittableRandom(ctx.seed() ^ Double.doubleToLongBits(level));
                Histogram h = new Histogram(3);
                WorkloadResult.Builder b = WorkloadResult.builder();
                double sum = 0;
                int n = p.integer("requests", 50);
                for (int i = 0; i < n; i++) {
                    long ns = Math.round((level + r.nextDouble() * level) * 1e6);
                    h.recordValue(ns);
                    sum += ns / 1e6;
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("i", i);
                    rec.put("latency_ns", ns);
                    b.record(rec);
                }
                ctx.log("fake iteration " + it + " of " + ctx.stepId());
                b.summary("mean_latency_ms", sum / n).summary("throughput_per_s", 1000 / level);
                b.histogram("latency", h);
                b.environment("fake_server", "fake 1.0");
                if (p.integer("fail_iteration", -1) == it) {
                    b.failure("fake failure in iteration " + it);
                }
                return b.build();
            }

            @Override
            public void cancel() {
                cancelled.countDown();
            }
        };
    }
}
