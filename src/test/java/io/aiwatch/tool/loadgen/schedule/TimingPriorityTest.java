package io.aiwatch.tool.loadgen.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimingPriorityTest {
    private static final int CAP_SYS_NICE = 23;

    @AfterEach
    void restoreDefault() {
        TimingPriority.configure(TimingPriority.DEFAULT_NICE);
    }

    /** Runs a raise on a fresh thread and reads back the nice value the kernel reports for it. */
    private static int[] raiseOnFreshThread() throws Exception {
        AtomicReference<int[]> seen = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                long tid = TimingPriority.currentTid();
                int before = TimingPriority.niceOf(tid);
                TimingPriority.Outcome o = TimingPriority.raiseCurrentThread();
                seen.set(new int[] {before, o.nice(), TimingPriority.niceOf(tid), o.raised() ? 1 : 0});
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return seen.get();
    }

    private static boolean hasCapSysNice() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return new BigInteger(line.substring(7).strip(), 16).testBit(CAP_SYS_NICE);
            }
        }
        return false;
    }

    @Test
    void raisesTheCallingThreadOnlyAndReportsWhatTheKernelApplied() throws Exception {
        long me = TimingPriority.currentTid();
        int mine = TimingPriority.niceOf(me); // earlier tests may have raised this thread; new threads inherit it
        int[] r = raiseOnFreshThread(); // before, reported, actual, raised
        assertThat(r[0]).as("a new thread starts at its creator's nice value").isEqualTo(mine);
        assertThat(r[2]).as("what the kernel shows is what was reported").isEqualTo(r[1]);
        if (hasCapSysNice()) {
            assertThat(r[3]).as("raised with CAP_SYS_NICE").isEqualTo(1);
            assertThat(r[2]).isEqualTo(TimingPriority.DEFAULT_NICE);
        } else {
            assertThat(r[3]).isEqualTo(0);
            assertThat(TimingPriority.last().problem()).contains("not permitted");
        }
        assertThat(TimingPriority.niceOf(me))
                .as("other threads keep their priority")
                .isEqualTo(mine);
    }

    @Test
    void zeroLeavesPrioritiesAlone() throws Exception {
        TimingPriority.configure(0);
        int mine = TimingPriority.niceOf(TimingPriority.currentTid());
        int[] r = raiseOnFreshThread();
        assertThat(r[2]).isEqualTo(mine);
        assertThat(r[3]).isEqualTo(0);
        assertThat(TimingPriority.last().problem()).contains("disabled");
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheFlagName() {
        assertThatThrownBy(() -> TimingPriority.configure(5))
                .isInstanceOf(LoadgenException.class)
                .hasMessageContaining("--timing-nice")
                .hasMessageContaining("got 5");
        assertThatThrownBy(() -> TimingPriority.configure(-21)).isInstanceOf(LoadgenException.class);
    }
}
