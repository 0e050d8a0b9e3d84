package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class ClientMetricsChangesTest {

    /** Forward loops record ends at the same time; a racing Phaser.arrive threw and killed a loop. */
    @Test
    void concurrentChangesAdvanceThePhaseOncePerChangeWithoutThrowing() throws Exception {
        ClientMetrics metrics = new ClientMetrics(20);
        int threads = 4;
        int perThread = 50_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        metrics.changed();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(failures).isEmpty();
        assertThat(metrics.changes().getPhase()).isEqualTo(threads * perThread);
    }
}
