package io.aiwatch.tool.loadbench;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Dataset-style access: reads of one block size at uniformly random block-aligned offsets (with
 * repeats, fio's {@code norandommap}), a fixed number per job, with every read's latency recorded.
 * Queue depth above 1 uses native AIO ({@code libaio}, O_DIRECT only, as in fio); depth 1 uses
 * {@code libaio} too when direct, so QD1 and QD32 differ in nothing but depth, and {@code psync}
 * for buffered reads. Latency runs from just before submission to the reaping of the completion,
 * fio's {@code lat}.
 */
public final class RandomReads {
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private RandomReads() {}

    /**
     * One access pattern.
     *
     * @param blockBytes bytes per read (4096, 65536)
     * @param iodepth    reads in flight per job
     * @param jobs       threads, each with its own file descriptor and queue
     * @param direct     O_DIRECT (required for iodepth &gt; 1)
     * @param opsPerJob  reads each job makes
     */
    public record Case(int blockBytes, int iodepth, int jobs, boolean direct, long opsPerJob) {
        public Case {
            if (blockBytes < 512 || iodepth < 1 || jobs < 1 || opsPerJob < 1) {
                throw new IllegalArgumentException("random case needs bs >= 512, iodepth, jobs and ops >= 1");
            }
            if (iodepth > 1 && !direct) {
                throw new IllegalArgumentException(
                        "iodepth " + iodepth
                                + " needs O_DIRECT: buffered native AIO completes inside io_submit; use jobs for buffered parallelism");
            }
        }

        /** The fio engine that makes the same calls. */
        public String engine() {
            return direct ? "libaio" : "psync";
        }

        /** {@code 4k-qd32-direct}-style label. */
        public String label() {
            String bs = blockBytes % 1024 == 0 ? (blockBytes / 1024) + "k" : Integer.toString(blockBytes);
            return bs + "-qd" + iodepth + (jobs > 1 ? "-j" + jobs : "") + (direct ? "-direct" : "-buffered");
        }
    }

    /**
     * What a random-read run measured.
     *
     * @param ops      reads completed
     * @param bytes    bytes read
     * @param nanos    wall time of the run, ns
     * @param latency  per-read latency histogram, ns
     * @param cpuNanos CPU time of the job threads while reading, ns
     */
    public record Result(long ops, long bytes, long nanos, Histogram latency, long cpuNanos) {
        public double iops() {
            return ops * 1e9 / nanos;
        }

        public double bytesPerSecond() {
            return bytes * 1e9 / nanos;
        }

        /** Latency percentile in seconds, {@code p} in 0..100. */
        public double latencySeconds(double p) {
            return latency.getValueAtPercentile(p) / 1e9;
        }
    }

    /**
     * Runs {@code c} on {@code file}: each job makes {@code opsPerJob} reads or stops submitting after
     * {@code maxSeconds}, whichever comes first (fio's {@code number_ios} and {@code runtime}).
     */
    public static Result run(Path file, Case c, long fileBytes, long seed, double maxSeconds)
            throws IOException, InterruptedException {
        long blocks = Buffers.alignDown(fileBytes, c.blockBytes()) / c.blockBytes();
        if (blocks < 1) {
            throw new IOException(file + " is smaller than one " + c.blockBytes() + "-byte block");
        }
        List<Histogram> hists = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(c.jobs());
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // [0]: the deadline; [1 + j]: when job j reaped its last read (before closing its queue:
        // io_destroy waits for an RCU grace period, tens of ms, which is no part of reading)
        long[] deadline = new long[1 + c.jobs()];
        long[] cpu = new long[c.jobs()];
        long budget = (long) (maxSeconds * 1e9);
        for (int j = 0; j < c.jobs(); j++) {
            Histogram h = new Histogram(1, 600_000_000_000L, 3);
            hists.add(h);
            SplittableRandom rnd = new SplittableRandom(seed + j * 0x9E3779B97F4A7C15L);
            int job = j;
            Thread t = new Thread(
                    () -> {
                        try {
                            if (c.direct()) {
                                aio(file, c, blocks, rnd, h, ready, gate, deadline, job, cpu);
                            } else {
                                psync(file, c, blocks, rnd, h, ready, gate, deadline, job, cpu);
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            ready.countDown();
                        }
                    },
                    "loadbench-random-" + j);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        ready.await();
        long t0 = System.nanoTime();
        deadline[0] = t0 + budget;
        gate.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long end = t0;
        for (int j = 0; j < c.jobs(); j++) {
            end = Math.max(end, deadline[1 + j]);
        }
        long nanos = end - t0;
        if (failure.get() != null) {
            Throwable f = failure.get();
            throw f instanceof IOException io ? io : new IOException("random reads failed: " + f, f);
        }
        Histogram all = new Histogram(1, 600_000_000_000L, 3);
        hists.forEach(all::add);
        long ops = all.getTotalCount();
        long cpuNanos = 0;
        for (long x : cpu) {
            cpuNanos += x;
        }
        return new Result(ops, ops * c.blockBytes(), nanos, all, cpuNanos);
    }

    private static void psync(
            Path file,
            Case c,
            long blocks,
            SplittableRandom rnd,
            Histogram h,
            CountDownLatch ready,
            CountDownLatch gate,
            long[] deadline,
            int job,
            long[] cpu)
            throws IOException, InterruptedException {
        ByteBuffer buf = Buffers.aligned(c.blockBytes(), (int) Libc.PAGE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ready.countDown();
            gate.await();
            cpu[job] = -THREADS.getCurrentThreadCpuTime();
            for (long i = 0; i < c.opsPerJob() && System.nanoTime() < deadline[0]; i++) {
                long pos = rnd.nextLong(blocks) * c.blockBytes();
                long t = System.nanoTime();
                buf.clear();
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) {
                        throw new IOException("unexpected end of " + file + " at " + pos);
                    }
                }
                h.recordValue(Math.max(1, System.nanoTime() - t));
            }
            deadline[1 + job] = System.nanoTime();
            cpu[job] += THREADS.getCurrentThreadCpuTime();
        }
    }

    private static void aio(
            Path file,
            Case c,
            long blocks,
            SplittableRandom rnd,
            Histogram h,
            CountDownLatch ready,
            CountDownLatch gate,
            long[] deadline,
            int job,
            long[] cpu)
            throws IOException, InterruptedException {
        int depth = c.iodepth();
        int fd = Libc.openRead(file.toString(), true);
        Memory raw = new Memory((long) depth * c.blockBytes() + Libc.PAGE);
        long bufs = Buffers.alignUp(Pointer.nativeValue(raw), Libc.PAGE);
        long[] started = new long[depth];
        int[] batch = new int[depth];
        try (LinuxAio q = new LinuxAio(depth)) {
            ready.countDown();
            gate.await();
            cpu[job] = -THREADS.getCurrentThreadCpuTime();
            long submitted = 0;
            long completed = 0;
            long limit = c.opsPerJob();
            int n = 0;
            for (int s = 0; s < depth && submitted < c.opsPerJob(); s++, submitted++) {
                q.prepareRead(
                        s, fd, bufs + (long) s * c.blockBytes(), c.blockBytes(), rnd.nextLong(blocks) * c.blockBytes());
                started[s] = System.nanoTime();
                batch[n++] = s;
            }
            q.submit(batch, n);
            while (completed < submitted) {
                int got = q.reap();
                long now = System.nanoTime();
                if (now >= deadline[0]) {
                    limit = submitted; // out of time: reap what is in flight, submit nothing more
                }
                n = 0;
                for (int i = 0; i < got; i++) {
                    int s = q.slot(i);
                    long res = q.result(i);
                    if (res != c.blockBytes()) {
                        throw new IOException("read of " + c.blockBytes() + " bytes returned "
                                + (res < 0 ? Libc.strerror((int) -res) : res + " bytes"));
                    }
                    h.recordValue(Math.max(1, now - started[s]));
                    completed++;
                    if (submitted < limit) {
                        q.prepareRead(
                                s,
                                fd,
                                bufs + (long) s * c.blockBytes(),
                                c.blockBytes(),
                                rnd.nextLong(blocks) * c.blockBytes());
                        started[s] = System.nanoTime();
                        batch[n++] = s;
                        submitted++;
                    }
                }
                if (n > 0) {
                    q.submit(batch, n);
                }
            }
            deadline[1 + job] = System.nanoTime();
            cpu[job] += THREADS.getCurrentThreadCpuTime();
        } finally {
            Libc.closeQuietly(fd);
        }
    }
}
