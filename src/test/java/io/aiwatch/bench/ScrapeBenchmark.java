package io.aiwatch.bench;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Scrape latency of several exporters under 1, 10 and 50 concurrent scrapers, measured in the
 * same run so that results compare as ratios. Each scraper is a thread with its own keep-alive
 * connection issuing GET requests back to back and reading the whole body.
 *
 * <p>Usage: {@code java -cp target/aiwatch.jar:target/test-classes io.aiwatch.bench.ScrapeBenchmark
 * SECONDS CONCURRENCY[,CONCURRENCY...] NAME=URL [NAME=URL...]}
 */
public final class ScrapeBenchmark {

    record Result(
            String target, int concurrency, long count, double seconds, Histogram latency, long bytes, long errors) {}

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        int[] concurrencies = java.util.Arrays.stream(args[1].split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        Map<String, String> targets = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            targets.put(kv[0], kv[1]);
        }
        // Warm-up: JIT both sides so the first measured level is not a cold start.
        for (var t : targets.entrySet()) {
            run(t.getKey(), t.getValue(), 4, 3);
        }
        List<Result> results = new ArrayList<>();
        for (int c : concurrencies) {
            for (var t : targets.entrySet()) {
                results.add(run(t.getKey(), t.getValue(), c, seconds));
            }
        }
        System.out.println("| target | scrapers | scrapes/s | p50 ms | p99 ms | max ms | body KiB | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            Histogram h = r.latency();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.3f | %.3f | %.3f | %.1f | %d |%n",
                    r.target(),
                    r.concurrency(),
                    r.count() / r.seconds(),
                    h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(99) / 1e6,
                    h.getMaxValue() / 1e6,
                    r.count() == 0 ? 0 : r.bytes() / (double) r.count() / 1024,
                    r.errors());
        }
    }

    static Result run(String name, String url, int concurrency, double seconds) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            HttpURLConnection conn =
                                    (HttpURLConnection) URI.create(url).toURL().openConnection();
                            conn.setRequestProperty("Accept-Encoding", "identity");
                            long n = 0;
                            try (InputStream in = conn.getInputStream()) {
                                for (int r; (r = in.read(buf)) > 0; ) {
                                    n += r;
                                }
                            }
                            if (conn.getResponseCode() != 200) {
                                errors.incrementAndGet();
                            }
                            bytes.addAndGet(n);
                            recorder.recordValue(System.nanoTime() - t0);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        done.await();
        Histogram h = recorder.getIntervalHistogram();
        return new Result(name, concurrency, h.getTotalCount(), seconds, h, bytes.get(), errors.get());
    }
}
