package io.aiwatch.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aiwatch.reader.exposition.ExpositionRenderer;
import io.aiwatch.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CollectorRunnerTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final SnapshotStore store = new SnapshotStore(clock);

    /** Returns a sample on its first call, blocks on the latch on later calls. */
    private static final class HangingCollector implements Collector {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch hanging = new CountDownLatch(1);

        @Override
        public String name() {
            return "hangs";
        }

        @Override
        public Duration interval() {
            return Duration.ofMillis(20);
        }

        @Override
        public Snapshot collect() throws InterruptedException {
            if (calls.incrementAndGet() > 1) {
                hanging.countDown();
                release.await();
            }
            return Snapshot.of(List.of(MetricFamily.builder("hangs_value", MetricType.GAUGE, "v")
                    .add(Labels.EMPTY, 7)
                    .build()));
        }
    }

    @Test
    void aHungCollectorNeverBlocksAScrapeAndItsStalenessIsVisible() throws Exception {
        HangingCollector c = new HangingCollector();
        ExpositionRenderer renderer = new ExpositionRenderer(store);
        try (CollectorRunner runner = new CollectorRunner(store)) {
            runner.start(c);
            assertThat(c.hanging.await(5, TimeUnit.SECONDS)).isTrue();
            String fresh = assertTimeoutPreemptively(
                    Duration.ofSeconds(2), () -> new String(renderer.render(), StandardCharsets.UTF_8));
            assertThat(fresh).contains("hangs_value 7").contains("aiwatch_collector_up{collector=\"hangs\"} 1");

            clock.advance(Duration.ofSeconds(30));
            String stale = assertTimeoutPreemptively(
                    Duration.ofSeconds(2), () -> new String(renderer.render(), StandardCharsets.UTF_8));
            assertThat(stale)
                    .doesNotContain("hangs_value")
                    .contains("aiwatch_collector_up{collector=\"hangs\"} 0")
                    .contains("aiwatch_collector_snapshot_age_seconds{collector=\"hangs\"} 30");
            assertThat(store.state("hangs").problem(clock.instant()))
                    .contains("stale")
                    .contains("collection running for");
            c.release.countDown();
        }
    }

    @Test
    void aFailingRunKeepsTheLastSnapshotAndRecordsTheError() {
        store.register("flaky", Duration.ofSeconds(1), Duration.ofSeconds(3));
        CollectorRunner runner = new CollectorRunner(store);
        AtomicInteger n = new AtomicInteger();
        Collector flaky = new Collector() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public Duration interval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Snapshot collect() {
                if (n.incrementAndGet() == 2) {
                    throw new IllegalStateException("device busy");
                }
                return Snapshot.of(List.of());
            }
        };
        runner.runOnce(flaky);
        clock.advance(Duration.ofSeconds(1));
        runner.runOnce(flaky);
        CollectorState s = store.state("flaky");
        assertThat(s.last()).isNotNull();
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.runs()).isEqualTo(2);
        assertThat(s.isUp(clock.instant())).isFalse();
        assertThat(s.problem(clock.instant())).isEqualTo("last run failed: IllegalStateException: device busy");
        runner.runOnce(flaky);
        assertThat(store.state("flaky").isUp(clock.instant())).isTrue();
    }

    @Test
    void anErrorThrownByACollectorDoesNotStopItsSchedule() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch threeRuns = new CountDownLatch(3);
        Collector broken = new Collector() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Duration interval() {
                return Duration.ofMillis(10);
            }

            @Override
            public Snapshot collect() {
                calls.incrementAndGet();
                threeRuns.countDown();
                throw new StackOverflowError("deep");
            }
        };
        try (CollectorRunner runner = new CollectorRunner(store)) {
            runner.start(broken);
            assertThat(threeRuns.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(store.state("broken").lastError()).isEqualTo("StackOverflowError: deep");
    }
}
