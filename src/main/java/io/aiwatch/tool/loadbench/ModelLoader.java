package io.aiwatch.tool.loadbench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.aiwatch.tool.loadbench.bench.FioJob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads every tensor of a safetensors file into a {@link Destination} with N reader threads. The
 * tensors of a safetensors file are contiguous, so the loader reads their byte range from the
 * block boundary at or before the first tensor (the header's last bytes ride along, as in loaders
 * that read the whole file in one pass) to the end of the file, in blocks; reader i takes the
 * i-th contiguous share, a whole number of blocks. fio makes the same access with one job per
 * reader, each with that share's {@code offset} and {@code size} (see {@link FioJob#sequential}).
 * The destination places bytes by file offset, so every tensor lands where its
 * {@code data_offsets} say.
 *
 * <p>Timing starts when all readers have opened the file and passed a common gate, and ends when
 * the last one has read its last block and the destination has delivered everything; closing
 * files and unmapping come after, as in fio (whose runtime ends with the last I/O).
 */
public final class ModelLoader {
    static final int EXTENT_ALIGNMENT = 4096;

    private ModelLoader() {}

    /**
     * What one load did.
     *
     * @param bytes     bytes delivered to the destination
     * @param nanos     wall time from the gate to the last delivery, ns
     * @param start     first file offset read
     * @param end       one past the last file offset read
     * @param shareBytes bytes of each reader's share (the last may be shorter)
     * @param cpuNanos  CPU time (user + system) the reader threads spent from the gate to their last
     *                  block, ns: on a busy machine, bytes per CPU second compare implementations
     *                  where wall time mostly measures the CPU share each got
     */
    public record Timing(long bytes, long nanos, long start, long end, long shareBytes, long cpuNanos) {
        public double bytesPerSecond() {
            return nanos == 0 ? 0 : bytes * 1e9 / nanos;
        }
    }

    /**
     * Start barrier (every reader ready), the gate that starts them, and the end of their reads,
     * which each reader signals once ({@code signalled[r]} is only touched by reader r's thread).
     */
    private record Gates(
            CountDownLatch ready, CountDownLatch gate, CountDownLatch done, boolean[] signalled, long[] cpu) {
        /** After the gate: remembers the reader thread's CPU time at its start. */
        void started(int reader) throws InterruptedException {
            gate.await();
            cpu[reader] = -THREADS.getCurrentThreadCpuTime();
        }

        void finished(int reader) {
            if (!signalled[reader]) {
                signalled[reader] = true;
                cpu[reader] += THREADS.getCurrentThreadCpuTime();
                done.countDown();
            }
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** The range read and each reader's share, the same for the loader and its fio twin. */
    public record Extent(long start, long end, long share, int readers) {
        public static Extent of(SafetensorsHeader header, int readers, int blockBytes) {
            long start = Buffers.alignDown(header.dataStart(), blockBytes);
            long end = header.fileBytes();
            long share = Buffers.alignUp((end - start + readers - 1) / readers, blockBytes);
            return new Extent(start, end, share, readers);
        }

        public long from(int reader) {
            return Math.min(end, start + reader * share);
        }

        public long to(int reader) {
            return Math.min(end, start + (reader + 1) * share);
        }
    }

    /**
     * Loads {@code file} (whose header is {@code header}) into {@code dest}.
     *
     * @param blockBytes size of each read, a multiple of 4096
     */
    public static Timing load(
            Path file, SafetensorsHeader header, ReadMethod method, int readers, int blockBytes, Destination dest)
            throws IOException, InterruptedException {
        return load(file, header, method, readers, blockBytes, 1, dest);
    }

    /**
     * As {@link #load(Path, SafetensorsHeader, ReadMethod, int, int, Destination)}, each reader
     * reading its share {@code passes} times (fio's {@code loops}): warm-cache runs need several
     * passes to last long enough for fio's millisecond runtime to be precise.
     */
    public static Timing load(
            Path file,
            SafetensorsHeader header,
            ReadMethod method,
            int readers,
            int blockBytes,
            int passes,
            Destination dest)
            throws IOException, InterruptedException {
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
        if (readers < 1 || blockBytes < EXTENT_ALIGNMENT || blockBytes % EXTENT_ALIGNMENT != 0) {
            throw new IllegalArgumentException(
                    "readers must be >= 1 and the block size a multiple of 4096, got " + readers + ", " + blockBytes);
        }
        Extent extent = Extent.of(header, readers, blockBytes);
        int alignment = method.direct() ? EXTENT_ALIGNMENT : 1;
        dest.begin(extent.start(), extent.end(), readers, blockBytes, alignment);
        Gates g = new Gates(
                new CountDownLatch(readers),
                new CountDownLatch(1),
                new CountDownLatch(readers),
                new boolean[readers],
                new long[readers]);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            int reader = r;
            Thread t = new Thread(
                    () -> {
                        try {
                            run(file, method, reader, extent, blockBytes, passes, dest, g);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            g.ready().countDown();
                        } finally {
                            g.finished(reader);
                        }
                    },
                    "loadbench-reader-" + r);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        g.ready().await();
        long t0 = System.nanoTime();
        g.gate().countDown();
        g.done().await();
        long bytes = dest.finish();
        long nanos = System.nanoTime() - t0;
        // Closing files and unmapping (tens of ms for a large mapping) is no part of the load, as in fio.
        for (Thread t : threads) {
            t.join();
        }
        Throwable f = failure.get();
        if (f instanceof IOException io) {
            throw io;
        } else if (f != null) {
            throw new IOException(method.label() + " read of " + file + " failed: " + f, f);
        }
        long cpu = 0;
        for (long c : g.cpu()) {
            cpu += c;
        }
        return new Timing(bytes, nanos, extent.start(), extent.end(), extent.share(), cpu);
    }

    private static void run(
            Path file,
            ReadMethod method,
            int reader,
            Extent extent,
            int blockBytes,
            int passes,
            Destination dest,
            Gates g)
            throws IOException, InterruptedException {
        long from = extent.from(reader);
        long to = extent.to(reader);
        if (method == ReadMethod.MMAP) {
            mapped(file, reader, from, to, blockBytes, passes, dest, g);
            return;
        }
        FileChannel ch = method.direct()
                ? FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)
                : FileChannel.open(file, StandardOpenOption.READ);
        try (ch) {
            g.ready().countDown();
            g.started(reader);
            for (int pass = 0; pass < passes; pass++) {
                readRange(ch, method.direct(), reader, from, to, blockBytes, dest);
            }
            g.finished(reader);
        }
    }

    private static void readRange(
            FileChannel ch, boolean direct, int reader, long from, long to, int blockBytes, Destination dest)
            throws IOException, InterruptedException {
        for (long pos = from; pos < to; pos += blockBytes) {
            int want = (int) Math.min(blockBytes, to - pos);
            // O_DIRECT needs whole sectors: the last block is asked for rounded up and comes back short.
            int ask = direct ? (int) Buffers.alignUp(want, EXTENT_ALIGNMENT) : want;
            ByteBuffer buf = dest.acquire(reader, pos, ask);
            int filled = 0;
            while (filled < want) {
                int n = ch.read(buf, pos + filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
            dest.release(reader, buf, pos, Math.min(filled, want));
        }
    }

    /** mmap of the reader's range (page-aligned: the extent starts on 4 KiB and shares are whole blocks). */
    private static void mapped(
            Path file, int reader, long from, long to, int blockBytes, int passes, Destination dest, Gates g)
            throws IOException, InterruptedException {
        if (to <= from) {
            g.ready().countDown();
            return;
        }
        int fd = Libc.openRead(file.toString(), false);
        Pointer map;
        try {
            map = Libc.C.mmap(null, to - from, Libc.PROT_READ, Libc.MAP_SHARED, fd, from);
            Libc.C.madvise(map, to - from, Libc.MADV_SEQUENTIAL);
            Libc.C.posix_fadvise(fd, from, to - from, Libc.POSIX_FADV_SEQUENTIAL);
        } catch (LastErrorException e) {
            Libc.closeQuietly(fd);
            g.ready().countDown();
            throw new IOException("mmap " + file + ": " + Libc.strerror(e.getErrorCode()), e);
        }
        try {
            g.ready().countDown();
            g.started(reader);
            for (int pass = 0; pass < passes; pass++) {
                for (long pos = from; pos < to; pos += blockBytes) {
                    int want = (int) Math.min(blockBytes, to - pos);
                    ByteBuffer buf = dest.acquire(reader, pos, want);
                    buf.put(map.getByteBuffer(pos - from, want));
                    dest.release(reader, buf, pos, want);
                }
            }
            g.finished(reader);
        } finally {
            Libc.C.munmap(map, to - from);
            Libc.closeQuietly(fd);
        }
    }
}
