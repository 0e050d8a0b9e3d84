package io.aiwatch.tool.experiment;

/**
 * Something that must hold before an iteration starts (a GPU back at its idle temperature, a
 * quiet host, a file out of the page cache). Before each iteration the runner calls {@link #check}
 * every {@code poll} until it holds or {@code timeout} passes; it records how long it waited and
 * what was observed, and if the condition never held the iteration is recorded as failed with the
 * last observation as its reason instead of being run.
 */
public interface Condition {
    /** What must hold, for the report: "GPU temperature within 3 °C of idle". */
    String describe();

    /**
     * Called once when the run starts (not again on {@code --resume}): measure a reference such as
     * the idle temperature and keep it in {@link ConditionContext#state()}.
     */
    default void beforeRun(ConditionContext context) throws Exception {}

    /**
     * Checks once, and may act to make the condition true (drop a file's cached pages). Must not
     * block for long: the runner calls it again.
     */
    Check check(ConditionContext context) throws Exception;

    /**
     * The outcome of one check.
     *
     * @param holds    whether the condition holds now
     * @param observed what was seen, with units ("GPU 0: 41 °C, idle 38 °C"); the report shows it
     */
    record Check(boolean holds, String observed) {}
}
