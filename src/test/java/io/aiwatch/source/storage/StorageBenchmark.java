package io.aiwatch.source.storage;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.Collector;
import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ExpositionRenderer;
import io.aiwatch.reader.exposition.TextFormat;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cost of aiwatch's storage collection and scrape beside node_exporter's diskstats + filesystem
 * collectors, on the same machine in the same run. Not a test: run by hand (see
 * docs/BENCHMARKS.md (section 2) for the command). Prints a Markdown table.
 *
 * <ul>
 *   <li>collection: aiwatch's {@code collect()} of the disk and filesystem collectors, timed in
 *       process; node_exporter's own {@code node_scrape_collector_duration_seconds} of its
 *       diskstats and filesystem collectors, read from each scrape;</li>
 *   <li>scrape: HTTP GET /metrics wall time from a JDK HttpClient on 127.0.0.1, alternating between
 *       aiwatch (SnapshotStore + ExpositionRenderer served by com.sun.net.httpserver, collectors
 *       running every second on CollectorRunner) and node_exporter.</li>
 * </ul>
 */
public final class StorageBenchmark {
    public static void main(String[] args) throws Exception {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int collections = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        StorageConfig config = StorageConfig.defaults();
        ParseErrors errors = new ParseErrors();
        DiskCollector disk = new DiskCollector(config, Clock.systemUTC(), errors);
        FilesystemCollector fs = new FilesystemCollector(config, errors, new Statvfs());

        long[] diskNs = time(disk, collections);
        long[] fsNs = time(fs, collections);

        SnapshotStore store = new SnapshotStore(Clock.systemUTC());
        ExpositionRenderer renderer = new ExpositionRenderer(store);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/metrics", ex -> {
            byte[] body = renderer.render();
            ex.getResponseHeaders().add("Content-Type", TextFormat.CONTENT_TYPE);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        StorageConfig everySecond = new StorageConfig(
                true,
                Duration.ofSeconds(1),
                false,
                config.diskExclude(),
                config.procRoot(),
                config.sysRoot(),
                config.rootfs(),
                config.mountTimeout(),
                config.fsTypesExclude(),
                config.mountPointsExclude(),
                config.processPatterns(),
                config.maxProcesses());
        List<Collector> collectors = StorageCollectors.create(everySecond, Clock.systemUTC(), Set::of);
        try (CollectorRunner runner = new CollectorRunner(store);
                NodeExporterProcess node = new NodeExporterProcess()) {
            collectors.forEach(runner::start);
            Thread.sleep(1500);
            URI ours = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
            HttpClient http = HttpClient.newHttpClient();
            long[] oursNs = new long[scrapes];
            long[] nodeNs = new long[scrapes];
            List<Double> nodeDisk = new ArrayList<>();
            List<Double> nodeFs = new ArrayList<>();
            int oursBytes = 0;
            int nodeBytes = 0;
            for (int i = -200; i < scrapes; i++) { // 200 warm-up rounds
                long t0 = System.nanoTime();
                oursBytes = http.send(HttpRequest.newBuilder(ours).build(), HttpResponse.BodyHandlers.ofByteArray())
                        .body()
                        .length;
                long t1 = System.nanoTime();
                String text = http.send(
                                HttpRequest.newBuilder(node.metrics).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    oursNs[i] = t1 - t0;
                    nodeNs[i] = t2 - t1;
                    Map<String, Double> d = PromText.parse(text).get("node_scrape_collector_duration_seconds");
                    nodeDisk.add(d.get("{collector=diskstats}"));
                    nodeFs.add(d.get("{collector=filesystem}"));
                    nodeBytes = text.length();
                }
            }
            long[] nd = nodeDisk.stream().mapToLong(x -> Math.round(x * 1e9)).toArray();
            long[] nf = nodeFs.stream().mapToLong(x -> Math.round(x * 1e9)).toArray();
            System.out.println(
                    "| measure | aiwatch p50 | aiwatch p99 | node_exporter p50 | node_exporter p99 | ratio p50 (aiwatch/node) | ratio p99 |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
            row("diskstats collection", diskNs, nd);
            row("filesystem collection", fsNs, nf);
            row("scrape GET /metrics", oursNs, nodeNs);
            System.out.printf(
                    Locale.ROOT,
                    "%ncollections=%d scrapes=%d, aiwatch body %d bytes, node_exporter body %d bytes%n",
                    collections,
                    scrapes,
                    oursBytes,
                    nodeBytes);
        } finally {
            server.stop(0);
            fs.close();
            for (Collector c : collectors) {
                c.close();
            }
        }
    }

    private static long[] time(Collector c, int n) throws Exception {
        for (int i = 0; i < 500; i++) {
            c.collect(); // warm-up (JIT)
        }
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            c.collect();
            ns[i] = System.nanoTime() - t0;
        }
        return ns;
    }

    private static void row(String what, long[] ours, long[] node) {
        long o50 = pct(ours, 50);
        long o99 = pct(ours, 99);
        long n50 = pct(node, 50);
        long n99 = pct(node, 99);
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %.2f | %.2f |%n",
                what,
                us(o50),
                us(o99),
                us(n50),
                us(n99),
                (double) o50 / n50,
                (double) o99 / n99);
    }

    private static long pct(long[] v, int p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static String us(long ns) {
        return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
    }
}
