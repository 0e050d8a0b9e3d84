package io.aiwatch.source.gpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Reads several GPUs at once for the costly collector: each GPU's calls (milliseconds of driver
 * time each) run on a small pool, so eight GPUs take about as long as one and every GPU is read
 * at about the same moment. A GPU whose read has not finished by the deadline (a call hung in the
 * driver) is reported late for this cycle and is not read again until that read returns; the
 * other GPUs go on.
 */
final class ParallelReads implements AutoCloseable {
    /** More threads than this would only queue on the driver. */
    static final int MAX_THREADS = 8;

    private final ExecutorService pool;
    private final Map<Integer, Future<GpuReading>> inFlight = new HashMap<>();

    ParallelReads(String name, int gpus) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.min(gpus, MAX_THREADS), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Readings of {@code gpus} in that order; each waits at most until {@code deadlineNanos} (System.nanoTime). */
    List<GpuReading> readAll(List<Integer> gpus, IntFunction<GpuReading> read, int fields, long deadlineNanos)
            throws InterruptedException {
        for (int gpu : gpus) {
            Future<GpuReading> previous = inFlight.get(gpu);
            if (previous == null || previous.isDone()) {
                inFlight.put(gpu, pool.submit(() -> read.apply(gpu)));
            }
        }
        List<GpuReading> readings = new ArrayList<>(gpus.size());
        for (int gpu : gpus) {
            Future<GpuReading> f = inFlight.get(gpu);
            try {
                readings.add(f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
                inFlight.remove(gpu);
            } catch (TimeoutException e) {
                readings.add(GpuReading.late(gpu, fields));
            } catch (ExecutionException e) {
                inFlight.remove(gpu);
                throw new IllegalStateException("reading GPU " + gpu + " failed", e.getCause());
            }
        }
        return readings;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
