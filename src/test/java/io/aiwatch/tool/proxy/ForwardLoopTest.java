package io.aiwatch.tool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ForwardLoopTest {
    /** A stream over a pipe that records the order it was served in. */
    static final class PipeStream implements ForwardLoop.Stream {
        final String name;
        final Pipe pipe;
        final boolean first;
        final List<String> served;
        Runnable onReady = () -> {};
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        PipeStream(String name, boolean first, List<String> served) throws IOException {
            this.name = name;
            this.first = first;
            this.served = served;
            this.pipe = Pipe.open();
            pipe.source().configureBlocking(false);
        }

        @Override
        public boolean awaitingFirstContent() {
            return first;
        }

        @Override
        public void ready(SelectionKey key, ForwardLoop loop) {
            calls.incrementAndGet();
            try {
                if (pipe.source().read(ByteBuffer.allocate(64)) > 0) {
                    served.add(name);
                    onReady.run();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void meterPending() {}

        @Override
        public void checkTimeout(long nowNanos, long timeoutNanos) {}

        void send() throws IOException {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        }
    }

    private static void register(ForwardLoop loop, List<PipeStream> streams) throws InterruptedException {
        CountDownLatch registered = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                for (PipeStream s : streams) {
                    s.pipe.source().register(loop.selector(), SelectionKey.OP_READ, s);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            registered.countDown();
        });
        assertThat(registered.await(2, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTaskQueuedWhileTheLoopServesABurstRunsAtOnceNotAfterTheSelectTimeout() throws Exception {
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        try (ForwardLoop loop = new ForwardLoop("test-loop", Long.MAX_VALUE)) {
            List<PipeStream> streams = new ArrayList<>();
            for (int i = 0; i < 3 * ForwardLoop.LOOK_EVERY; i++) {
                streams.add(new PipeStream("s" + i, false, served));
            }
            register(loop, streams);
            CountDownLatch taskRan = new CountDownLatch(1);
            long[] queuedAt = new long[1];
            // the first stream served queues a task, as a request thread does when it hands over an exchange;
            // the loop's later look-ahead (selectNow) swallows the wakeup that came with it
            for (PipeStream s : streams) {
                s.onReady = () -> {
                    if (queuedAt[0] == 0) {
                        queuedAt[0] = System.nanoTime();
                        new Thread(() -> loop.execute(taskRan::countDown)).start();
                        sleepQuietly(20);
                    }
                };
            }
            for (PipeStream s : streams) {
                s.send();
            }
            assertThat(taskRan.await(3, TimeUnit.SECONDS)).isTrue();
            double waitedMs = (System.nanoTime() - queuedAt[0]) / 1e6;
            assertThat(waitedMs)
                    .as("ms from queueing the task to running it (the select timeout is 1000 ms)")
                    .isLessThan(500);
        }
    }

    @Test
    void streamsAwaitingTheirFirstTokenAreServedBeforeTheOthersOfTheSameRound() throws Exception {
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        try (ForwardLoop loop = new ForwardLoop("test-loop", Long.MAX_VALUE)) {
            List<PipeStream> streams = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                streams.add(new PipeStream((i % 3 == 2 ? "first" : "next") + i, i % 3 == 2, served));
            }
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch hold = new CountDownLatch(1);
            CountDownLatch allServed = new CountDownLatch(6);
            // park the loop in a task so that every stream is ready when it next selects
            loop.execute(() -> {
                held.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(2, TimeUnit.SECONDS)).isTrue();
            for (PipeStream s : streams) {
                s.onReady = allServed::countDown;
                s.pipe.source().register(loop.selector(), SelectionKey.OP_READ, s);
                s.send(); // all six ready before the loop selects again
            }
            hold.countDown();
            assertThat(allServed.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(served).hasSize(6);
            assertThat(served.subList(0, 2)).allMatch(n -> n.startsWith("first"));
        }
    }

    @Test
    void aStreamStillWaitingItsTurnIsNotQueuedAgainByTheLookAhead() throws Exception {
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        try (ForwardLoop loop = new ForwardLoop("test-loop", Long.MAX_VALUE)) {
            List<PipeStream> streams = new ArrayList<>();
            CountDownLatch allServed = new CountDownLatch(40);
            for (int i = 0; i < 40; i++) {
                PipeStream s = new PipeStream("s" + i, false, served);
                s.onReady = () -> {
                    sleepQuietly(1); // slow enough that the look-ahead finds the rest still ready
                    allServed.countDown();
                };
                streams.add(s);
            }
            register(loop, streams);
            for (PipeStream s : streams) {
                s.send();
            }
            assertThat(allServed.await(4, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100); // a key queued twice would be served again within this window
            assertThat(served).hasSize(40);
            // served twice would mean queued twice: under load the queue then grows without bound
            assertThat(streams)
                    .allSatisfy(s -> assertThat(s.calls.get()).as(s.name).isEqualTo(1));
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
