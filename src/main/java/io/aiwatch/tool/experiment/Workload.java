package io.aiwatch.tool.experiment;

/**
 * One iteration of one step: created by {@link WorkloadType#create}, run once, closed. The
 * runner calls {@link #run} on its own thread and may call {@link #cancel} from another (Ctrl-C,
 * or the run's deadline); {@link #close} always follows, also after a failure.
 */
public interface Workload extends AutoCloseable {
    /**
     * Runs the iteration and returns what it measured. A workload that ran but did not achieve
     * what it should (a server error, a command that exited non-zero) returns a result with
     * {@link WorkloadResult#failure()} set: the iteration is recorded as failed and the run goes
     * on. Throwing means the workload itself broke: the run stops, is marked incomplete, and
     * {@code --resume} retries this iteration.
     */
    WorkloadResult run(WorkloadContext context) throws Exception;

    /**
     * Stops a running {@link #run} as soon as possible; {@code run} then returns what it has with
     * {@link WorkloadResult#interrupted()} set. Called from another thread; must not block long.
     */
    void cancel();

    /** Releases what {@link #run} started (servers, processes). */
    @Override
    default void close() throws Exception {}
}
