package io.aiwatch.tool.loadbench.bench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The nice value of the calling thread. On Linux {@code setpriority(PRIO_PROCESS, 0, n)} changes the
 * calling thread only, and threads and processes it starts afterwards inherit it: set on the thread
 * that runs the benchmark, it covers the reader threads and the fio processes alike.
 */
public final class ThreadPriority {
    private static final int PRIO_PROCESS = 0;

    interface C extends Library {
        int setpriority(int which, int who, int prio) throws LastErrorException;

        int getpriority(int which, int who) throws LastErrorException;
    }

    private static final C LIBC = Native.load("c", C.class);

    private ThreadPriority() {}

    /** Sets the nice value; returns the one in effect (unchanged without CAP_SYS_NICE for a negative one). */
    public static int set(int nice) {
        try {
            LIBC.setpriority(PRIO_PROCESS, 0, nice);
        } catch (LastErrorException e) {
            // not permitted: the run goes on at the current priority and the report says which
        }
        return current();
    }

    public static int current() {
        try {
            return LIBC.getpriority(PRIO_PROCESS, 0);
        } catch (LastErrorException e) {
            return 0;
        }
    }
}
