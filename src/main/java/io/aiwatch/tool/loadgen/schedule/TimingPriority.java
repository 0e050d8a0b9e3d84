package io.aiwatch.tool.loadgen.schedule;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Raises the CPU priority (lowers the Linux nice value) of the load generator's pacing threads:
 * the pacer, which must wake at each request's due time, and the timer thread that paces later
 * turns of multi-turn sessions. The I/O thread stays at normal priority: raised too, it competed
 * with the pacer during the bursts of response chunks and lag p99 rose (0.83–0.87 ms against
 * 0.48–0.61 ms, 1,000 streams on the 2-core box).
 *
 * <p>Why: when the server under test shares the CPU with the client (the 2-core benchmark box, or
 * any busy client host), a parked pacer that wakes at normal priority waits behind the server's
 * threads for a time slice; on the 2-core box that put schedule lag p99 at 2–15 ms while the pacer
 * itself was idle. At nice -10 the kernel's scheduler runs it on wake-up (docs/BENCHMARKS.md). Lowering nice needs CAP_SYS_NICE (or RLIMIT_NICE); without it the run goes
 * on at normal priority and says so.
 */
public final class TimingPriority {
    /** Nice value asked for by default: well above normal (0) yet below the kernel's own -20 band. */
    public static final int DEFAULT_NICE = -10;

    private static final int PRIO_PROCESS = 0;
    private static final int EPERM = 1;
    private static final int EACCES = 13;

    private static volatile int requestedNice = DEFAULT_NICE;
    /** What the most recent attempt achieved, for the console and the result file. */
    private static volatile Outcome last = new Outcome(0, "not attempted");

    /** The nice value a thread ended up with and, when that is not what was asked for, why. */
    public record Outcome(int nice, String problem) {
        public boolean raised() {
            return problem == null;
        }
    }

    interface LibC extends Library {
        int setpriority(int which, int who, int prio) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private TimingPriority() {}

    /** Sets the nice value later calls ask for; 0 turns raising off. Must be in -20..0. */
    public static void configure(int nice) {
        if (nice < -20 || nice > 0) {
            throw new LoadgenException(
                    "--timing-nice must be between -20 and 0 (0 = leave priorities alone), got " + nice);
        }
        requestedNice = nice;
    }

    public static int requestedNice() {
        return requestedNice;
    }

    /** The outcome of the most recent {@link #raiseCurrentThread()}. */
    public static Outcome last() {
        return last;
    }

    /**
     * Sets the calling thread back to normal priority (nice 0), which needs no privilege; for a
     * thread that paced a run and goes on to do other work (threads it creates inherit its nice).
     */
    public static void resetCurrentThread() {
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Holder.LIBC.setpriority(PRIO_PROCESS, (int) currentTid(), 0);
            } catch (IOException | RuntimeException | LinkageError e) {
                // stays raised: harmless, only its later threads inherit the priority
            }
        }
    }

    /** Raises the calling thread to the configured nice value; never throws. */
    public static Outcome raiseCurrentThread() {
        int nice = requestedNice;
        Outcome o = nice == 0 ? new Outcome(0, "disabled (--timing-nice 0)") : raise(nice);
        last = o;
        return o;
    }

    private static Outcome raise(int nice) {
        if (!System.getProperty("os.name", "")
                .toLowerCase(java.util.Locale.ROOT)
                .contains("linux")) {
            return new Outcome(0, "per-thread nice is Linux only");
        }
        long tid;
        try {
            tid = currentTid();
        } catch (IOException | RuntimeException e) {
            return new Outcome(0, "cannot find the thread id: " + e.getMessage());
        }
        try {
            Holder.LIBC.setpriority(PRIO_PROCESS, (int) tid, nice);
            return new Outcome(nice, null);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            String why = errno == EPERM || errno == EACCES
                    ? "not permitted: needs CAP_SYS_NICE or a RLIMIT_NICE of " + (20 - nice)
                    : "setpriority failed, errno " + errno;
            return new Outcome(0, why);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new Outcome(0, "libc not reachable through JNA: " + e.getMessage());
        }
    }

    /** The kernel thread id of the caller, from {@code /proc/thread-self -> PID/task/TID}. */
    static long currentTid() throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
        return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
    }

    /** The nice value of a thread of this process, from field 19 of {@code /proc/self/task/TID/stat}. */
    static int niceOf(long tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // field 19 overall; fields[0] is field 3 (state)
    }
}
