package io.aiwatch.tool.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector thread that reads upstream responses for many streams and writes each piece on to
 * its client. Why: when the engine releases a decode step, every open stream's chunk arrives at
 * once; a thread per stream pays a wake-up and a context switch per chunk, so a first token that
 * lands in the burst waits behind the others. Here one {@code epoll_wait} returns the whole burst
 * and the thread drains it without sleeping, serving streams still waiting for their first byte
 * before the others (TTFT is what clients feel most; the others lose microseconds of ITL).
 */
final class ForwardLoop implements Runnable, AutoCloseable {
    /** What a selection key's attachment is: one proxied stream ({@link AsyncExchange}). */
    interface Stream {
        /** True while no response byte was passed on: served first. */
        boolean awaitingFirstContent();

        /** {@code key} is ready; read and pass on what arrived. Loop thread. */
        void ready(SelectionKey key, ForwardLoop loop);

        /** Measure the pieces passed on since the last call (see {@link #meterLater}). */
        void meterPending();

        /** Give up on an upstream silent for longer than {@code timeoutNanos}. */
        void checkTimeout(long nowNanos, long timeoutNanos);
    }

    private static final Logger LOG = Logger.getLogger(ForwardLoop.class.getName());
    /** How often idle exchanges are checked against the upstream timeout, nanoseconds. */
    private static final long SWEEP_EVERY_NANOS = 500_000_000L;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long timeoutNanos;
    /** Read buffer shared by all of this loop's exchanges (only this thread reads). */
    final byte[] readBytes = new byte[64 * 1024];

    final ByteBuffer readBuffer = ByteBuffer.wrap(readBytes);
    /** Ready streams still waiting for their first token: served before {@link #later}. */
    private final ArrayDeque<SelectionKey> first = new ArrayDeque<>(64);

    private final ArrayDeque<SelectionKey> later = new ArrayDeque<>(256);
    /** Keys in {@link #first} or {@link #later}: a look finds them ready again and must not queue them twice. */
    private final java.util.Set<SelectionKey> queued = new java.util.HashSet<>(512);
    /** Pieces served between two looks for newly ready streams. */
    static final int LOOK_EVERY = 4;
    /** Most pieces served before the loop meters, sweeps and selects again (work left stays queued). */
    static final int ROUND_LIMIT = 512;
    /** Exchanges with pieces passed on but not yet measured, in the order they got them. */
    private final List<Stream> toMeter = new ArrayList<>(256);

    private volatile boolean running = true;
    /** Streams this loop serves now (request sent, response not yet passed on in full). */
    final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    /** This loop's idle keep-alive connections, most recently used first. */
    final java.util.concurrent.ConcurrentLinkedDeque<NioUpstream.Conn> idle =
            new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** The proxy's clock (System::nanoTime but in tests): decides when an upstream has been silent too long. */
    final LongSupplier ticker;

    private long lastSweep;

    ForwardLoop(String name, long timeoutNanos) throws IOException {
        this(name, timeoutNanos, System::nanoTime);
    }

    ForwardLoop(String name, long timeoutNanos, LongSupplier ticker) throws IOException {
        this.selector = Selector.open();
        this.timeoutNanos = timeoutNanos;
        this.ticker = ticker;
        this.lastSweep = ticker.getAsLong();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    /** Runs {@code task} on this loop's thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Measure {@code ex}'s new pieces once this round of ready streams was served. Loop thread. */
    void meterLater(Stream ex) {
        toMeter.add(ex);
    }

    /**
     * Serves the ready streams, first tokens first. A decode step's burst arrives over a
     * fraction of a millisecond while serving it takes longer, so every {@value #LOOK_EVERY}
     * pieces the loop looks again (a non-blocking select) and puts streams whose first token just
     * arrived at the front: such a token waits behind a few pieces, not behind the whole burst.
     */
    private void serveReady() throws IOException {
        sortReady();
        int served = 0;
        while ((!first.isEmpty() || !later.isEmpty()) && served < ROUND_LIMIT) {
            SelectionKey k = first.isEmpty() ? later.poll() : first.poll();
            queued.remove(k);
            if (k.attachment() instanceof Stream ex) {
                ex.ready(k, this);
            }
            if (++served % LOOK_EVERY == 0) {
                // selectNow() also swallows a wakeup() meant for the next select: run the tasks
                // here, and the outer loop does not block while any are queued
                int n = selector.selectNow();
                runTasks();
                if (n > 0) {
                    sortReady();
                }
            }
        }
        for (Stream ex : toMeter) {
            ex.meterPending();
        }
        toMeter.clear();
    }

    private void runTasks() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            t.run();
        }
    }

    private void sortReady() {
        Set<SelectionKey> ready = selector.selectedKeys();
        for (SelectionKey k : ready) {
            if (!queued.add(k)) {
                continue; // still waiting its turn (level-triggered: it stays ready until served)
            }
            if (k.attachment() instanceof Stream ex && ex.awaitingFirstContent()) {
                first.add(k);
            } else {
                later.add(k);
            }
        }
        ready.clear();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (tasks.isEmpty() && first.isEmpty() && later.isEmpty()) {
                    selector.select(1000); // a task queued after the check wakes it (no selectNow in between)
                } else {
                    selector.selectNow();
                }
                runTasks();
                serveReady();
                long now = ticker.getAsLong();
                if (now - lastSweep > SWEEP_EVERY_NANOS) {
                    lastSweep = now;
                    for (SelectionKey k : selector.keys()) {
                        if (k.attachment() instanceof Stream ex) {
                            ex.checkTimeout(now, timeoutNanos);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an exchange's own failures are handled inside it; this is a bug or a broken selector
                LOG.log(Level.WARNING, "proxy forward loop: " + e, e);
            }
        }
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException ignored) {
                // closing at shutdown
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing at shutdown
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
