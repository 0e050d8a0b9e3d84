package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.testing.Await;
import io.aiwatch.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The engine thread in wall time: its step clock must not stretch with the cost of handing tokens out. */
class EngineLoopTest {

    /** A sink that takes {@code costNanos} of wall time per token, like waking and writing to a stream. */
    static final class SlowSink implements TokenSink {
        final List<Long> tokenNanos = new ArrayList<>();
        final CountDownLatch done;
        final long costNanos;

        SlowSink(CountDownLatch done, long costNanos) {
            this.done = done;
            this.costNanos = costNanos;
        }

        @Override
        public void onToken(int generated) {
            tokenNanos.add(System.nanoTime());
            LockSupport.parkNanos(costNanos);
        }

        @Override
        public void onFinished(Completion completion) {
            done.countDown();
        }
    }

    @Test
    void handingOutTokensOverlapsTheNextStepInsteadOfStretchingIt() throws Exception {
        // 40 ms steps whatever the batch; 40 streams whose tokens cost ~0.5 ms each to hand out, so
        // ~20 ms per step. Inline hand-out made every step ~60 ms; overlapped it stays at ~40 ms.
        SimulatorConfig c =
                SimulatorConfig.defaults().withEngine(64, 1_000_000, 100_000).withTiming(1e9, 40.0, 0.0);
        Engine engine = new Engine(c, new EngineMetrics(c, 0));
        int streams = 40;
        int tokens = 10;
        CountDownLatch done = new CountDownLatch(streams);
        List<SlowSink> sinks = new ArrayList<>();
        try (EngineLoop loop = new EngineLoop(engine, 1.0)) {
            loop.start();
            for (int i = 0; i < streams; i++) {
                SlowSink s = new SlowSink(done, 500_000);
                sinks.add(s);
                loop.submit(new SimRequest(i + 1, 8, tokens, "length", tokens, s));
            }
            assertThat(done.await(10, TimeUnit.SECONDS))
                    .as("all streams finish")
                    .isTrue();
        }
        double sumMs = 0;
        int gaps = 0;
        for (SlowSink s : sinks) {
            assertThat(s.tokenNanos).hasSize(tokens);
            for (int i = 1; i < tokens; i++) {
                sumMs += (s.tokenNanos.get(i) - s.tokenNanos.get(i - 1)) / 1e6;
                gaps++;
            }
        }
        double meanGapMs = sumMs / gaps;
        assertThat(meanGapMs).as("mean inter-token gap seen by the sinks, ms").isBetween(39.0, 50.0);
    }

    @Test
    void stepsEndOnTheEnginesClockAndTheirTokensGoOutThen() throws Exception {
        // ~41 ms steps (40 ms + 8 prompt tokens at 8k tokens/s for the first); each 50 ms move of the
        // clock ends exactly one step, whose token is handed out while the next one runs
        SimulatorConfig c =
                SimulatorConfig.defaults().withEngine(64, 1_000_000, 100_000).withTiming(8_000, 40.0, 0.0);
        EngineMetrics metrics = new EngineMetrics(c, 0);
        Engine engine = new Engine(c, metrics);
        ManualTicker ticker = new ManualTicker();
        long start = ticker.getAsLong();
        List<Long> tokenAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        TokenSink sink = new TokenSink() {
            @Override
            public void onToken(int generated) {
                tokenAt.add(ticker.getAsLong());
            }

            @Override
            public void onFinished(Completion completion) {
                finished.countDown();
            }
        };
        try (EngineLoop loop = new EngineLoop(engine, 1.0, ticker)) {
            loop.start();
            loop.submit(new SimRequest(1, 8, 3, "length", 3, sink));
            assertThat(Await.until(loop.progress(), () -> metrics.running == 1, Duration.ofSeconds(5)))
                    .as("the first step is planned on the unmoved clock")
                    .isTrue();
            for (int k = 1; k <= 3; k++) {
                assertThat(tokenAt)
                        .as("tokens before the clock passed step %d's end", k)
                        .hasSize(k - 1);
                ticker.advance(Duration.ofMillis(50));
                loop.wake();
                int want = k;
                assertThat(Await.until(loop.progress(), () -> tokenAt.size() >= want, Duration.ofSeconds(5)))
                        .as("token %d handed out", k)
                        .isTrue();
            }
            assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(tokenAt).containsExactly(start + 50_000_000L, start + 100_000_000L, start + 150_000_000L);
    }
}
