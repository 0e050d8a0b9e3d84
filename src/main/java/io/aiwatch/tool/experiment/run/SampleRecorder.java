package io.aiwatch.tool.experiment.run;

import io.aiwatch.collect.Labels;
import io.aiwatch.source.inference.ParseException;
import io.aiwatch.source.inference.PromFamily;
import io.aiwatch.source.inference.PromSample;
import io.aiwatch.source.inference.PromTextParser;
import io.aiwatch.tool.experiment.RecordedSample;
import io.aiwatch.tool.experiment.SampleView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Scrapes Prometheus endpoints (the daemon, servers that workloads start) at a fixed interval,
 * writes every sample to the run's {@link SampleLog} and keeps the last {@link #WINDOW_MS} in
 * memory for conditions and per-iteration summaries. Each endpoint has its own thread, so a hung
 * one delays only itself; a failed scrape is written as such, never as a gap that looks like data.
 */
public final class SampleRecorder implements SampleView, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SampleRecorder.class.getName());
    /** Samples kept in memory: 15 minutes. */
    static final long WINDOW_MS = 15 * 60_000L;

    private final SampleLog log;
    private final Duration interval;
    private final List<Pattern> keep;
    private final LongSupplier clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, ScheduledExecutorService> threads = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> tasks = new ConcurrentHashMap<>();
    /** sample name -> series key -> buffer */
    private final Map<String, Map<String, SeriesBuffer>> memory = new ConcurrentHashMap<>();

    public SampleRecorder(SampleLog log, Duration interval, List<String> families, LongSupplier clock) {
        this.log = log;
        this.interval = interval;
        this.keep = families.stream().map(Pattern::compile).toList();
        this.clock = clock;
    }

    /** Starts scraping {@code url} as {@code endpoint}; the handle stops it (after one last scrape). */
    public AutoCloseable record(String endpoint, URI url) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "experiment-scrape-" + endpoint);
            t.setDaemon(true);
            return t;
        });
        PromTextParser parser = new PromTextParser(PromTextParser.Format.TEXT_0_0_4);
        Runnable scrape = () -> scrapeOnce(endpoint, url, parser);
        ScheduledExecutorService old = threads.put(endpoint, ex);
        if (old != null) {
            old.shutdownNow();
        }
        tasks.put(endpoint, ex.scheduleAtFixedRate(scrape, 0, interval.toMillis(), TimeUnit.MILLISECONDS));
        return () -> stop(endpoint, scrape, ex);
    }

    private void stop(String endpoint, Runnable lastScrape, ScheduledExecutorService ex) {
        ScheduledFuture<?> f = tasks.remove(endpoint);
        if (f != null) {
            f.cancel(false);
        }
        try {
            ex.submit(lastScrape).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the endpoint may be gone already; its earlier scrapes are written
        }
        ex.shutdownNow();
        threads.remove(endpoint, ex);
    }

    void scrapeOnce(String endpoint, URI url, PromTextParser parser) {
        long t = clock.getAsLong();
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofMillis(Math.max(500, interval.toMillis() * 2)))
                            .header("Accept", "text/plain;version=0.0.4")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                log.error(endpoint, t, "HTTP " + r.statusCode());
                return;
            }
            accept(endpoint, t, parser.parse(r.body()));
        } catch (IOException | ParseException e) {
            writeError(endpoint, t, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            writeError(endpoint, t, e.toString());
        }
    }

    private void writeError(String endpoint, long t, String message) {
        try {
            log.error(endpoint, t, message);
        } catch (IOException e) {
            LOG.warning("cannot write samples: " + e.getMessage());
        }
    }

    /** Keeps and writes one parsed scrape (also the entry point for tests). */
    void accept(String endpoint, long t, List<PromFamily> families) throws IOException {
        List<RecordedSample> samples = new ArrayList<>();
        for (PromFamily f : families) {
            for (PromSample s : f.samples()) {
                if (kept(s.name())) {
                    samples.add(new RecordedSample(t, endpoint, s.name(), s.labels(), s.value()));
                }
            }
        }
        log.scrape(endpoint, t, samples);
        for (RecordedSample s : samples) {
            memory.computeIfAbsent(s.name(), k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(endpoint + s.labels(), k -> new SeriesBuffer(s.endpoint(), s.labels()))
                    .add(t, s.value(), t - WINDOW_MS);
        }
    }

    private boolean kept(String name) {
        if (keep.isEmpty()) {
            return true;
        }
        for (Pattern p : keep) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<RecordedSample> latest(String sampleName) {
        List<RecordedSample> out = new ArrayList<>();
        for (SeriesBuffer b : memory.getOrDefault(sampleName, Map.of()).values()) {
            RecordedSample s = b.last(sampleName);
            if (s != null) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.labels().toString().compareTo(b.labels().toString()));
        return out;
    }

    @Override
    public List<RecordedSample> range(String sampleName, long fromEpochMs, long toEpochMs) {
        List<RecordedSample> out = new ArrayList<>();
        for (SeriesBuffer b : memory.getOrDefault(sampleName, Map.of()).values()) {
            b.range(sampleName, fromEpochMs, toEpochMs, out);
        }
        out.sort((a, b) -> Long.compare(a.epochMs(), b.epochMs()));
        return out;
    }

    @Override
    public void close() {
        for (var e : new HashMap<>(threads).entrySet()) {
            ScheduledFuture<?> f = tasks.remove(e.getKey());
            if (f != null) {
                f.cancel(false);
            }
            e.getValue().shutdownNow();
            try {
                e.getValue().awaitTermination(3, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warning("cannot close samples: " + e.getMessage());
        }
    }

    /** One series' recent samples in growable primitive arrays, trimmed to the window. */
    private static final class SeriesBuffer {
        private final String endpoint;
        private final Labels labels;
        private long[] t = new long[64];
        private double[] v = new double[64];
        private int start;
        private int end;

        SeriesBuffer(String endpoint, Labels labels) {
            this.endpoint = endpoint;
            this.labels = labels;
        }

        synchronized void add(long time, double value, long keepFrom) {
            while (start < end && t[start] < keepFrom) {
                start++;
            }
            if (end == t.length) {
                int n = end - start;
                int cap = n * 2 >= t.length ? t.length * 2 : t.length;
                long[] nt = new long[cap];
                double[] nv = new double[cap];
                System.arraycopy(t, start, nt, 0, n);
                System.arraycopy(v, start, nv, 0, n);
                t = nt;
                v = nv;
                start = 0;
                end = n;
            }
            t[end] = time;
            v[end] = value;
            end++;
        }

        synchronized RecordedSample last(String name) {
            return end > start ? new RecordedSample(t[end - 1], endpoint, name, labels, v[end - 1]) : null;
        }

        synchronized void range(String name, long from, long to, List<RecordedSample> out) {
            for (int i = start; i < end; i++) {
                if (t[i] >= from && t[i] <= to) {
                    out.add(new RecordedSample(t[i], endpoint, name, labels, v[i]));
                }
            }
        }
    }
}
