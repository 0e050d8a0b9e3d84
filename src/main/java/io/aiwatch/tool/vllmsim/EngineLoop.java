package io.aiwatch.tool.vllmsim;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The scheduler thread: runs {@link Engine} steps back to back while there is work, each taking
 * its simulated duration divided by {@code speed} in wall time. Simulated time is wall time since
 * start times {@code speed}. A step that starts up to {@value #MAX_LAG_WALL_SECONDS} s (wall) late
 * (timer overshoot) keeps the back-to-back schedule, so the next one catches up; a later start
 * re-anchors simulated time to the wall clock (the lost time shows as idle), so clients never see
 * tokens faster than the model allows.
 * HTTP threads talk to it only through a lock-free inbox.
 */
final class EngineLoop implements DoubleSupplier, AutoCloseable {
    private static final double MAX_LAG_WALL_SECONDS = 0.002;
    private final double maxLagSim;
    private final Engine engine;
    private final double speed;
    /** Wall time in nanoseconds: System::nanoTime, or a clock a test moves (then it calls {@link #wake}). */
    private final LongSupplier ticker;

    private final long origin;
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final LoadMeter load = new LoadMeter();
    private final Thread thread;
    private volatile boolean stopped;
    /** Advances after every step, every hand-out of tokens and every idle look; see {@link #progress}. */
    private final Phaser progress = new Phaser(1);

    private record Abort(long id) {}

    EngineLoop(Engine engine, double speed) {
        this(engine, speed, System::nanoTime);
    }

    EngineLoop(Engine engine, double speed, LongSupplier ticker) {
        this.engine = engine;
        this.ticker = ticker;
        this.origin = ticker.getAsLong();
        this.speed = speed;
        this.maxLagSim = MAX_LAG_WALL_SECONDS * speed;
        this.thread = new Thread(this::run, "vllm-sim-engine");
        this.thread.setDaemon(true);
    }

    void start() {
        engine.deferNotifications();
        thread.start();
    }

    /** Simulated seconds since start. */
    double simNow() {
        return (ticker.getAsLong() - origin) / 1e9 * speed;
    }

    void submit(SimRequest r) {
        r.arrival = simNow();
        inbox.add(r);
        LockSupport.unpark(thread);
    }

    void abort(long id) {
        inbox.add(new Abort(id));
        LockSupport.unpark(thread);
    }

    /** Utilisation of the simulated GPU, 0..1: busy fraction of the last wall-clock second. */
    @Override
    public double getAsDouble() {
        return load.utilization(ticker.getAsLong());
    }

    private void run() {
        double clock = 0;
        boolean busy = false;
        while (!stopped) {
            drain();
            double now = simNow();
            double start = busy && now - clock < maxLagSim ? clock : Math.max(clock, now);
            Engine.Step step = engine.plan(start);
            if (step == null) {
                engine.deliverNotifications();
                busy = false;
                progress.arrive();
                LockSupport.parkNanos(this, 100_000_000L);
                continue;
            }
            long wallStart = ticker.getAsLong();
            load.begin(Math.max(wallStart, origin + (long) (start / speed * 1e9)));
            double end = start + step.duration();
            long deadline = origin + (long) (end / speed * 1e9);
            engine.deliverNotifications(); // the previous step's tokens go out while this one runs
            progress.arrive();
            long left;
            while ((left = deadline - ticker.getAsLong()) > 0 && !stopped) {
                LockSupport.parkNanos(this, left);
            }
            engine.complete(step, end);
            load.busy(Math.max(wallStart, origin + (long) (start / speed * 1e9)), ticker.getAsLong());
            clock = end;
            busy = true;
            progress.arrive();
        }
        engine.deliverNotifications(); // HTTP threads see their last tokens before noticing the shutdown
    }

    /** Makes the loop look at the ticker now (a test moved it). */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** Advances after every step, every hand-out of tokens and every idle look. */
    Phaser progress() {
        return progress;
    }

    private void drain() {
        Object o;
        while ((o = inbox.poll()) != null) {
            if (o instanceof SimRequest r) {
                engine.add(r);
            } else if (o instanceof Abort a) {
                engine.abort(a.id());
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
