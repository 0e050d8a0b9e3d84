package io.aiwatch.tool.loadbench.tier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;

/**
 * Undoes what the benchmark set up (mounts, loop devices, pools, files), newest first, exactly once:
 * on {@link #close()}, or from a JVM shutdown hook when the run is interrupted (Ctrl-C, SIGTERM).
 * A failing step does not stop the others; its message is returned and logged. SIGKILL cannot be
 * caught: then {@code aiwatch bench load --cleanup DIR} finds what is left (see {@link Tiers#leftovers}).
 */
public final class Cleanup implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Cleanup.class.getName());

    /** An undo action. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private record Step(String what, Action undo) {}

    private final Deque<Step> steps = new ArrayDeque<>();
    private final Thread hook;
    private boolean done;

    public Cleanup() {
        this.hook = new Thread(this::runAll, "loadbench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Remembers an undo step; it runs before every step pushed earlier. */
    public synchronized void push(String what, Action undo) {
        if (done) {
            throw new IllegalStateException("cleanup already ran; cannot add " + what);
        }
        steps.push(new Step(what, undo));
    }

    /** What is still to undo, newest first. */
    public synchronized List<String> pending() {
        return steps.stream().map(Step::what).toList();
    }

    /** Runs every undo step, newest first; returns the failures. Later calls do nothing. */
    public synchronized List<String> runAll() {
        List<String> failures = new ArrayList<>();
        done = true;
        while (!steps.isEmpty()) {
            Step s = steps.pop();
            try {
                s.undo().run();
            } catch (Exception e) {
                String msg = s.what() + ": " + e.getMessage();
                failures.add(msg);
                LOG.warning("cleanup step failed: " + msg);
            }
        }
        return failures;
    }

    /** The shutdown hook, for tests that simulate an interruption. */
    Thread hook() {
        return hook;
    }

    @Override
    public void close() {
        runAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (and finds nothing left to do)
        }
    }
}
