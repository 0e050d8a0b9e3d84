package io.aiwatch.tool.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Benchmark (not a unit test), see docs/BENCHMARKS.md (section 4):
 * <pre>
 * overhead SIM_PORT PROXY_PORT STREAMS SECONDS MAX_TOKENS   after a warm-up of both arms, direct vs proxied
 *                                                           streams, interleaved per worker, each request
 *                                                           after a random 0-50 ms pause
 * capacity SIM_PORT THREADS SECONDS                         non-streaming max_tokens=1 requests/s
 * streams  SIM_PORT STREAMS MAX_TOKENS                      STREAMS concurrent streams held open at once
 * </pre>
 */
public final class ProxyOverheadBench {
    private static final String HOST = "127.0.0.1";
    /** Upper bound of the random pause before each request, longer than an engine step. */
    private static final int THINK_MS = 50;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "overhead" ->
                overhead(
                        Integer.parseInt(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        Integer.parseInt(args[5]));
            case "capacity" ->
                capacity(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "streams" -> streams(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("mode overhead|capacity|streams");
        }
    }

    /** Latency histograms of one arm (direct or proxied), in microseconds. */
    static final class Arm {
        final Histogram ttft = new Histogram(60_000_000L, 3);
        final Histogram e2e = new Histogram(600_000_000L, 3);
        final Histogram itl = new Histogram(60_000_000L, 3);
        /** Every TTFT in microseconds, for the bootstrap interval of the p99 difference. */
        final List<Long> ttftRaw = new ArrayList<>();
        /** TTFT minus the simulator's own residence (handler entry to first write), microseconds. */
        final Histogram path = new Histogram(60_000_000L, 3);

        final List<Long> pathRaw = new ArrayList<>();
        /** The two legs of PATH: client send → simulator handler entry, simulator first write → client, microseconds. */
        final Histogram ingress = new Histogram(60_000_000L, 3);

        final Histogram egress = new Histogram(60_000_000L, 3);
        long missingServerTiming;
        long errors;

        void add(Arm o) {
            ttft.add(o.ttft);
            e2e.add(o.e2e);
            itl.add(o.itl);
            ttftRaw.addAll(o.ttftRaw);
            path.add(o.path);
            ingress.add(o.ingress);
            egress.add(o.egress);
            pathRaw.addAll(o.pathRaw);
            missingServerTiming += o.missingServerTiming;
            errors += o.errors;
        }
    }

    /**
     * Unmeasured requests per arm before the measured phase, so that both servers run JIT-compiled code;
     * {@code -Dbench.warmup=N} changes it (a script that runs one proxy several times warms it once).
     */
    static final int WARMUP_REQUESTS_PER_ARM = Integer.getInteger("bench.warmup", 3000);

    /**
     * Sends {@link #WARMUP_REQUESTS_PER_ARM} short streaming requests per arm from 16 threads, no
     * pauses. Without it a 1-stream run measured the proxy's interpreter: +1.4-1.8 ms added TTFT p50
     * against +0.47 ms once warm (2-core box, 2026-11-27).
     */
    static void warmUp(int simPort, int proxyPort) throws Exception {
        String body = "{\"model\":\"sim\",\"prompt\":\"warm up\",\"max_tokens\":2,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
        int threads = 16;
        if (WARMUP_REQUESTS_PER_ARM < threads) {
            return;
        }
        List<Thread> ts = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        for (int w = 0; w < threads; w++) {
            Thread t = new Thread(() -> {
                long[] gaps = new long[8];
                try (BenchClient dc = new BenchClient(HOST, simPort);
                        BenchClient pc = new BenchClient(HOST, proxyPort)) {
                    for (int i = 0; i < WARMUP_REQUESTS_PER_ARM / threads; i++) {
                        if (dc.post("/v1/completions", body, gaps).status() != 200
                                | pc.post("/v1/completions", body, gaps).status() != 200) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " warm-up requests failed; is the simulator/proxy up?");
        }
    }

    static void overhead(int simPort, int proxyPort, int streams, int seconds, int maxTokens) throws Exception {
        String body = "{\"model\":\"sim\",\"prompt\":\"measure the proxy overhead please\",\"max_tokens\":" + maxTokens
                + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        warmUp(simPort, proxyPort);
        long warmupEnd = System.nanoTime() + 3_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        double[][] before = new double[2][];
        Thread scrape = new Thread(() -> {
            try {
                Thread.sleep(3000);
                before[0] = buckets(proxyPort, "aiwatch_proxy_forward_seconds");
                before[1] = buckets(proxyPort, "aiwatch_proxy_request_forward_seconds");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        scrape.start();
        Arm direct = new Arm();
        Arm proxied = new Arm();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < streams; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                Arm d = new Arm();
                Arm p = new Arm();
                long[] gaps = new long[maxTokens + 8];
                try (BenchClient dc = new BenchClient(HOST, simPort);
                        BenchClient pc = new BenchClient(HOST, proxyPort)) {
                    for (long i = worker; System.nanoTime() < end; i++) {
                        // a random pause breaks the phase lock between a closed-loop client and the engine's step clock
                        Thread.sleep(
                                java.util.concurrent.ThreadLocalRandom.current().nextInt(THINK_MS));
                        boolean viaProxy = (i & 1) == 0;
                        Arm arm = viaProxy ? p : d;
                        try {
                            BenchClient.Timing tm = (viaProxy ? pc : dc).post("/v1/completions", body, gaps);
                            if (System.nanoTime() < warmupEnd) {
                                continue;
                            }
                            if (tm.status() != 200 || tm.ttft() < 0) {
                                arm.errors++;
                                continue;
                            }
                            arm.ttft.recordValue(tm.ttft() / 1000);
                            arm.ttftRaw.add(tm.ttft() / 1000);
                            if (tm.pathNanos() >= 0) {
                                arm.path.recordValue(tm.pathNanos() / 1000);
                                arm.pathRaw.add(tm.pathNanos() / 1000);
                                arm.ingress.recordValue(Math.max(0, tm.ingressNanos()) / 1000);
                                arm.egress.recordValue(Math.max(0, tm.egressNanos()) / 1000);
                            } else {
                                arm.missingServerTiming++;
                            }
                            arm.e2e.recordValue(tm.e2e() / 1000);
                            for (int g = 0; g < tm.gapCount(); g++) {
                                arm.itl.recordValue(tm.gaps()[g] / 1000);
                            }
                        } catch (Exception e) {
                            arm.errors++;
                        }
                    }
                } catch (Exception e) {
                    d.errors++;
                }
                synchronized (direct) {
                    direct.add(d);
                    proxied.add(p);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("streams=%d seconds=%d max_tokens=%d%n", streams, seconds, maxTokens);
        System.out.printf(
                "  requests direct=%d proxied=%d errors direct=%d proxied=%d%n",
                direct.ttft.getTotalCount(), proxied.ttft.getTotalCount(), direct.errors, proxied.errors);
        row("TTFT", direct.ttft, proxied.ttft);
        bootstrap("TTFT", direct.ttftRaw, proxied.ttftRaw);
        // The simulator's residence (queueing for and running engine steps) is the same process in both
        // arms but varies by a whole step between requests; taking it out per request leaves the part
        // the proxy can change: client -> (proxy ->) simulator handler, and first write -> client.
        row("PATH", direct.path, proxied.path);
        bootstrap("PATH", direct.pathRaw, proxied.pathRaw);
        row("IN  ", direct.ingress, proxied.ingress);
        row("OUT ", direct.egress, proxied.egress);
        System.out.printf(
                "  (PATH = TTFT outside the simulator's handler; requests without its timing header: direct %d proxied %d;"
                        + " IN = client send -> simulator handler entry, OUT = simulator first write -> client has the token)%n",
                direct.missingServerTiming, proxied.missingServerTiming);
        row("ITL ", direct.itl, proxied.itl);
        row("E2E ", direct.e2e, proxied.e2e);
        scrape.join();
        residence(
                "in-proxy response piece (upstream read -> client flush)",
                before[0],
                buckets(proxyPort, "aiwatch_proxy_forward_seconds"));
        residence(
                "in-proxy request (handler start -> upstream write)",
                before[1],
                buckets(proxyPort, "aiwatch_proxy_request_forward_seconds"));
    }

    /** Cumulative bucket counts of an unlabelled histogram on the proxy's /metrics, in bound order. */
    static double[] buckets(int port, String name) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String text = http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://" + HOST + ":" + port + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        return text.lines()
                .filter(l -> l.startsWith(name + "_bucket{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .toArray();
    }

    private static final double[] RESIDENCE_MS = {
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000, Double.POSITIVE_INFINITY
    };

    private static void residence(String what, double[] before, double[] after) {
        if (before.length == 0 || after.length != before.length) {
            return; // a proxy other than aiwatch's (nginx) has no such histogram
        }
        double total = after[after.length - 1] - before[before.length - 1];
        StringBuilder sb = new StringBuilder();
        for (double q : new double[] {0.5, 0.99, 0.999}) {
            for (int i = 0; i < after.length; i++) {
                if (after[i] - before[i] >= q * total) {
                    sb.append(String.format(
                            " p%s <= %s ms",
                            q * 100 == 99.9 ? "99.9" : String.valueOf((int) (q * 100)), RESIDENCE_MS[i]));
                    break;
                }
            }
        }
        double under1ms = (after[6] - before[6]) / total;
        System.out.printf("  %s: n=%.0f%s, %.2f%% <= 1 ms%n", what, total, sb, 100 * under1ms);
    }

    /**
     * 95% bootstrap intervals (2,000 resamples of each arm) of the added TTFT p50 and p99: with a
     * step-quantised server the two arms' quantiles are noisy, and a difference of p99s from a few
     * thousand requests moves by a few tenths of a millisecond between runs.
     */
    static void bootstrap(String name, List<Long> direct, List<Long> proxied) {
        if (direct.size() < 100 || proxied.size() < 100) {
            System.out.println("  " + name + " added: too few requests for an interval");
            return;
        }
        long[] d = direct.stream().mapToLong(Long::longValue).toArray();
        long[] p = proxied.stream().mapToLong(Long::longValue).toArray();
        java.util.Random rnd = new java.util.Random(42);
        int n = 2000;
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        long[] rd = new long[d.length];
        long[] rp = new long[p.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < rd.length; k++) {
                rd[k] = d[rnd.nextInt(d.length)];
            }
            for (int k = 0; k < rp.length; k++) {
                rp[k] = p[rnd.nextInt(p.length)];
            }
            java.util.Arrays.sort(rd);
            java.util.Arrays.sort(rp);
            p50[i] = (quantile(rp, 0.50) - quantile(rd, 0.50)) / 1000.0;
            p99[i] = (quantile(rp, 0.99) - quantile(rd, 0.99)) / 1000.0;
        }
        java.util.Arrays.sort(p50);
        java.util.Arrays.sort(p99);
        System.out.printf(
                "  %s added, 95%% bootstrap interval: p50 [%+.3f, %+.3f] ms, p99 [%+.3f, %+.3f] ms%n",
                name, p50[(int) (n * 0.025)], p50[(int) (n * 0.975)], p99[(int) (n * 0.025)], p99[(int) (n * 0.975)]);
    }

    private static long quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static void row(String name, Histogram d, Histogram p) {
        double d50 = d.getValueAtPercentile(50) / 1000.0;
        double d99 = d.getValueAtPercentile(99) / 1000.0;
        double p50 = p.getValueAtPercentile(50) / 1000.0;
        double p99 = p.getValueAtPercentile(99) / 1000.0;
        System.out.printf(
                "  %s ms  direct p50 %.3f p99 %.3f | proxied p50 %.3f p99 %.3f | added p50 %+.3f p99 %+.3f%n",
                name, d50, d99, p50, p99, p50 - d50, p99 - d99);
    }

    static void capacity(int simPort, int threads, int seconds) throws Exception {
        String body = "{\"model\":\"sim\",\"prompt\":\"x\",\"max_tokens\":1}";
        long warmupEnd = System.nanoTime() + 3_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Histogram lat = new Histogram(60_000_000L, 3);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                Histogram h = new Histogram(60_000_000L, 3);
                long[] gaps = new long[4];
                try (BenchClient c = new BenchClient(HOST, simPort)) {
                    while (System.nanoTime() < end) {
                        BenchClient.Timing tm = c.post("/v1/completions", body, gaps);
                        if (System.nanoTime() < warmupEnd) {
                            continue;
                        }
                        if (tm.status() == 200) {
                            ok.incrementAndGet();
                            h.recordValue(tm.e2e() / 1000);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
                synchronized (lat) {
                    lat.add(h);
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        System.out.printf(
                "non-streaming max_tokens=1: threads=%d %.0f req/s (%d ok, %d errors) latency p50 %.2f ms p99 %.2f ms%n",
                threads,
                ok.get() / (double) seconds,
                ok.get(),
                errors.get(),
                lat.getValueAtPercentile(50) / 1000.0,
                lat.getValueAtPercentile(99) / 1000.0);
    }

    static void streams(int simPort, int streams, int maxTokens) throws Exception {
        String body = "{\"model\":\"sim\",\"prompt\":\"x\",\"max_tokens\":" + maxTokens + ",\"stream\":true}";
        CountDownLatch done = new CountDownLatch(streams);
        AtomicLong ok = new AtomicLong();
        AtomicLong chunks = new AtomicLong();
        Histogram ttft = new Histogram(600_000_000L, 3);
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            Thread t = new Thread(
                    () -> {
                        try (BenchClient c = new BenchClient(HOST, simPort)) {
                            BenchClient.Timing tm = c.post("/v1/completions", body, new long[maxTokens + 8]);
                            if (tm.status() == 200 && tm.tokenChunks() == maxTokens) {
                                ok.incrementAndGet();
                                chunks.addAndGet(tm.tokenChunks());
                                synchronized (ttft) {
                                    ttft.recordValue(tm.ttft() / 1000);
                                }
                            }
                        } catch (Exception e) {
                            // counted as not ok
                        } finally {
                            done.countDown();
                        }
                    },
                    "stream-" + i);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "concurrent streams=%d max_tokens=%d: %d complete in %.1f s, %.0f chunks/s, TTFT p50 %.1f ms p99 %.1f ms%n",
                streams,
                maxTokens,
                ok.get(),
                secs,
                chunks.get() / secs,
                ttft.getValueAtPercentile(50) / 1000.0,
                ttft.getValueAtPercentile(99) / 1000.0);
    }
}
