package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drives the engine state machine directly over simulated time: no threads, no sleeps. */
class EngineTest {

    /** Records the simulated time of every token and the completion. */
    static final class Recorder implements TokenSink {
        final List<Double> tokenTimes = new ArrayList<>();
        Completion completion;
        double now;

        @Override
        public void onToken(int generated) {
            tokenTimes.add(now);
        }

        @Override
        public void onFinished(Completion c) {
            completion = c;
        }
    }

    private static SimulatorConfig config(int seqs, int kvTokens, double perSeqMs) {
        return SimulatorConfig.defaults().withEngine(seqs, kvTokens, 2048).withTiming(10_000, 10.0, perSeqMs);
    }

    /** Runs until idle or {@code maxSteps}; returns the number of steps taken. */
    private static int run(Engine e, List<Recorder> recorders, int maxSteps, List<Integer> waitingSeen) {
        double t = 0;
        int steps = 0;
        while (!e.idle() && steps < maxSteps) {
            Engine.Step s = e.plan(t);
            assertThat(s).as("a non-idle engine always plans a step").isNotNull();
            waitingSeen.add(e.waitingCount());
            t += s.duration();
            for (Recorder r : recorders) {
                r.now = t;
            }
            e.complete(s, t);
            steps++;
        }
        return steps;
    }

    private static List<Recorder> submit(Engine e, int count, int prompt, int output) {
        List<Recorder> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Recorder rec = new Recorder();
            SimRequest r = new SimRequest(i + 1, prompt, output, "length", output, rec);
            r.arrival = 0;
            e.add(r);
            out.add(rec);
        }
        return out;
    }

    private static double meanGap(Recorder r) {
        List<Double> t = r.tokenTimes;
        return (t.get(t.size() - 1) - t.get(0)) / (t.size() - 1);
    }

    @Test
    void largerBatchesMakeLongerDecodeStepsAndLargerInterTokenLatency() {
        SimulatorConfig c = config(256, 65536, 1.0);
        Engine single = new Engine(c, new EngineMetrics(c, 0));
        List<Recorder> one = submit(single, 1, 20, 50);
        run(single, one, 10_000, new ArrayList<>());

        Engine batched = new Engine(c, new EngineMetrics(c, 0));
        List<Recorder> many = submit(batched, 32, 20, 50);
        run(batched, many, 10_000, new ArrayList<>());

        assertThat(one.get(0).tokenTimes).hasSize(50);
        assertThat(meanGap(one.get(0))).isCloseTo(0.011, org.assertj.core.data.Offset.offset(1e-9));
        // 32 decoding sequences: 10 ms + 32 x 1 ms per step
        assertThat(meanGap(many.get(0))).isCloseTo(0.042, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(many)
                .allSatisfy(r -> assertThat(r.completion.completionTokens()).isEqualTo(50));
    }

    @Test
    void prefillTimeGrowsWithPromptLength() {
        SimulatorConfig c = config(256, 65536, 0.0);
        Engine e = new Engine(c, new EngineMetrics(c, 0));
        List<Recorder> r = submit(e, 1, 1000, 2);
        run(e, r, 100, new ArrayList<>());
        // one step: 10 ms + 1000 tokens / 10000 tok/s = 110 ms
        assertThat(r.get(0).tokenTimes.get(0)).isCloseTo(0.110, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void maxNumSeqsBoundsTheBatchAndTheRestWait() {
        SimulatorConfig c = config(4, 65536, 0.5);
        EngineMetrics m = new EngineMetrics(c, 0);
        Engine e = new Engine(c, m);
        List<Recorder> r = submit(e, 10, 10, 5);
        e.complete(e.plan(0), 0.01);
        assertThat(e.runningCount()).isEqualTo(4);
        assertThat(e.waitingCount()).isEqualTo(6);
        assertThat(m.waiting).isEqualTo(6);
        run(e, r, 1000, new ArrayList<>());
        assertThat(r)
                .allSatisfy(x -> assertThat(x.completion.completionTokens()).isEqualTo(5));
        assertThat(m.finishedCount("length")).isEqualTo(10);
    }

    @Test
    void fullKvCacheMakesRequestsWaitAndPreemptsRunningOnes() {
        // 512 tokens of KV (32 blocks of 16); each request needs 100 + 150 tokens when done
        SimulatorConfig c = config(256, 512, 0.5);
        EngineMetrics m = new EngineMetrics(c, 0);
        Engine e = new Engine(c, m);
        List<Recorder> r = submit(e, 6, 100, 150);
        List<Integer> waitingSeen = new ArrayList<>();
        int steps = run(e, r, 100_000, waitingSeen);
        assertThat(e.idle()).isTrue();
        assertThat(steps).isLessThan(100_000);
        assertThat(m.preemptionCount()).isGreaterThan(0);
        assertThat(waitingSeen).anySatisfy(w -> assertThat(w).isGreaterThan(0));
        assertThat(r).allSatisfy(x -> {
            assertThat(x.completion.completionTokens()).isEqualTo(150);
            assertThat(x.tokenTimes).hasSize(150).isSorted();
        });
        assertThat(e.kvUsage()).isZero();
        assertThat(m.requestPreemptions.count()).isEqualTo(6);
    }

    @Test
    void kvUsageFollowsAllocatedBlocks() {
        SimulatorConfig c = config(256, 1600, 0.0); // 100 blocks
        Engine e = new Engine(c, new EngineMetrics(c, 0));
        submit(e, 2, 160, 10); // 10 blocks each for the prompt
        e.complete(e.plan(0), 0.05);
        assertThat(e.kvUsage()).isCloseTo(0.20, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void abortFreesBlocksAndCountsAsAbort() {
        SimulatorConfig c = config(256, 1600, 0.0);
        EngineMetrics m = new EngineMetrics(c, 0);
        Engine e = new Engine(c, m);
        List<Recorder> r = submit(e, 1, 160, 10);
        e.complete(e.plan(0), 0.05);
        e.abort(1);
        assertThat(e.idle()).isTrue();
        assertThat(e.kvUsage()).isZero();
        assertThat(r.get(0).completion.finishReason()).isEqualTo("abort");
        assertThat(m.finishedCount("abort")).isEqualTo(1);
    }

    @Test
    void longPromptsArePrefilledInChunksOfTheStepBudget() {
        SimulatorConfig c =
                SimulatorConfig.defaults().withEngine(256, 65536, 512).withTiming(10_000, 10.0, 0.0);
        EngineMetrics m = new EngineMetrics(c, 0);
        Engine e = new Engine(c, m);
        List<Recorder> r = submit(e, 1, 1200, 3);
        int steps = run(e, r, 100, new ArrayList<>());
        // 512 + 512 + 176 (first token) + 2 decode steps
        assertThat(steps).isEqualTo(5);
        assertThat(m.iterationTokens.sum()).isEqualTo(1200 + 2);
    }

    @Test
    void deferredNotificationsWaitForDeliveryAndKeepTheirOrder() {
        SimulatorConfig c = config(256, 65536, 0.0);
        Engine e = new Engine(c, new EngineMetrics(c, 0));
        e.deferNotifications();
        List<Recorder> r = submit(e, 2, 10, 2);
        Engine.Step first = e.plan(0);
        e.complete(first, first.duration());
        assertThat(r).allSatisfy(x -> assertThat(x.tokenTimes).as("held back").isEmpty());
        e.deliverNotifications();
        assertThat(r).allSatisfy(x -> assertThat(x.tokenTimes).hasSize(1));
        Engine.Step second = e.plan(first.duration());
        e.complete(second, first.duration() + second.duration());
        assertThat(r)
                .allSatisfy(x -> assertThat(x.completion)
                        .as("finished, but not yet told")
                        .isNull());
        e.deliverNotifications();
        assertThat(r).allSatisfy(x -> {
            assertThat(x.tokenTimes).hasSize(2);
            assertThat(x.completion.completionTokens()).isEqualTo(2);
        });
        e.deliverNotifications(); // nothing left: no second delivery
        assertThat(r.get(0).tokenTimes).hasSize(2);
    }
}
