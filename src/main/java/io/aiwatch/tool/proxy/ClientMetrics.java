package io.aiwatch.tool.proxy;

import io.aiwatch.collect.Histogram;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Client-side latency and token statistics of proxied requests, by {@code model} and
 * {@code status}, with bounded label values: at most {@code maxModels} model names (then
 * {@code other}), and status codes from a fixed set (others as their class, {@code 4xx}).
 * Definitions follow {@code vllm bench serve}; buckets extend vLLM's own below 10 ms, because a
 * client sees sub-10 ms gaps that vLLM's server buckets cannot resolve. When request spans are on,
 * the latency histograms keep the latest exemplar ({@code trace_id}) per bucket.
 */
public final class ClientMetrics {
    static final double[] TTFT = {
        0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
        80.0, 160.0, 640.0, 2560.0
    };
    static final double[] ITL = {
        0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
        5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    };
    static final double[] E2E = {
        0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0,
        120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0
    };
    static final double[] TOKENS = Histogram.oneTwoFive(100_000);
    static final double[] RESIDENCE = {
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0
    };
    private static final Set<Integer> CODES = Set.of(200, 400, 401, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504);
    /** Status label for a stream the upstream broke off after its headers. */
    public static final String STATUS_STREAM_ERROR = "stream_error";
    /** Status label for a request the client abandoned before the end. */
    public static final String STATUS_CLIENT_ABORT = "client_abort";

    private final int maxModels;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final AtomicInteger modelCount = new AtomicInteger();
    private final Map<Labels, Series> series = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> upstreamErrors = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    /** Seconds a response piece spends in the proxy: read off the upstream socket until flushed to the client. */
    final Histogram forward = new Histogram(RESIDENCE);
    /** Seconds from the proxy handler's start until the request is written to the upstream. */
    final Histogram requestForward = new Histogram(RESIDENCE);

    /** The statistics of one (model, status) pair. */
    static final class Series {
        final LongAdder requests = new LongAdder();
        final Histogram ttft = new Histogram(TTFT);
        final Histogram itl = new Histogram(ITL);
        final Histogram tpot = new Histogram(ITL);
        final Histogram e2e = new Histogram(E2E);
        final Histogram promptTokens = new Histogram(TOKENS);
        final Histogram outputTokens = new Histogram(TOKENS);
    }

    /** Advances each time a request is recorded or an exchange ends; see {@link #changes}. */
    private final Phaser changes = new Phaser(1);

    public ClientMetrics(int maxModels) {
        this.maxModels = maxModels;
    }

    /**
     * A request was recorded or an exchange ended. Serialised: with one registered party, two threads
     * arriving at once race between one arrival and the phase advance it triggers, and the second
     * gets IllegalStateException ("arrival of unregistered party"), which killed a forward loop under
     * load (seen at 16 concurrent streams, 2026-12-08).
     */
    void changed() {
        synchronized (changes) {
            changes.arrive();
        }
    }

    /**
     * Advances each time a request is recorded or an exchange leaves its forward loop: tests and tools
     * that must know a request was counted wait for it to advance instead of polling.
     */
    public Phaser changes() {
        return changes;
    }

    /** The label value for a requested model name: itself while fewer than maxModels were seen, else {@code other}. */
    String modelLabel(String model) {
        if (model == null || model.isEmpty()) {
            return "unknown";
        }
        if (model.length() > 128) {
            model = model.substring(0, 128);
        }
        if (models.contains(model)) {
            return model;
        }
        synchronized (models) {
            if (models.contains(model)) {
                return model;
            }
            if (modelCount.get() >= maxModels) {
                return "other";
            }
            modelCount.incrementAndGet();
            models.add(model);
            return model;
        }
    }

    static String statusLabel(int code) {
        return CODES.contains(code) ? Integer.toString(code) : (code / 100) + "xx";
    }

    Series series(String modelLabel, String status) {
        return series.computeIfAbsent(Labels.of("model", modelLabel, "status", status), k -> new Series());
    }

    void upstreamError(String reason) {
        upstreamErrors.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** Requests counted for (model, status) so far; for tests and reports. */
    public long requests(String model, String status) {
        Series s = series.get(Labels.of("model", model, "status", status));
        return s == null ? 0 : s.requests.sum();
    }

    /** The {@code aiwatch_client_*} families. */
    public List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>();
        List<Map.Entry<Labels, Series>> entries = new ArrayList<>(series.entrySet());
        entries.sort((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()));
        MetricFamily.Builder req = MetricFamily.builder(
                "aiwatch_client_requests_total",
                MetricType.COUNTER,
                "Requests through the measuring proxy, by requested model and response status.");
        entries.forEach(e -> req.add(e.getKey(), e.getValue().requests.sum()));
        out.add(req.build());
        hist(
                out,
                entries,
                "aiwatch_client_time_to_first_token_seconds",
                "Client-side TTFT of streamed requests: send to first chunk with choices (vllm bench serve).",
                s -> s.ttft);
        hist(
                out,
                entries,
                "aiwatch_client_inter_token_latency_seconds",
                "Client-side gaps between consecutive streamed chunks with choices (vllm bench serve ITL).",
                s -> s.itl);
        hist(
                out,
                entries,
                "aiwatch_client_time_per_output_token_seconds",
                "Client-side TPOT per request: (E2E - TTFT) / (output tokens - 1), requests with more than one token.",
                s -> s.tpot);
        hist(
                out,
                entries,
                "aiwatch_client_e2e_request_latency_seconds",
                "Client-side end-to-end latency: send to last chunk with choices (streams) or to the end of the body.",
                s -> s.e2e);
        hist(
                out,
                entries,
                "aiwatch_client_prompt_tokens",
                "Prompt tokens per request, from usage.",
                s -> s.promptTokens);
        hist(
                out,
                entries,
                "aiwatch_client_generation_tokens",
                "Output tokens per request, from usage, else the number of content chunks.",
                s -> s.outputTokens);
        MetricFamily.Builder errors = MetricFamily.builder(
                "aiwatch_client_upstream_errors_total",
                MetricType.COUNTER,
                "Proxied requests that failed at the upstream, by reason (connect, timeout, io, stream).");
        upstreamErrors.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e ->
                        errors.add(Labels.of("reason", e.getKey()), e.getValue().sum()));
        out.add(errors.build());
        out.add(forward.family(
                "aiwatch_proxy_forward_seconds",
                "Time a response piece spends inside the proxy: from its read off the upstream socket to the flush to the client.",
                Labels.EMPTY));
        out.add(requestForward.family(
                "aiwatch_proxy_request_forward_seconds",
                "Time from the proxy handler's start (request head and body read) until the request is written to the upstream.",
                Labels.EMPTY));
        out.add(MetricFamily.builder(
                        "aiwatch_client_in_flight_requests",
                        MetricType.GAUGE,
                        "Requests currently open through the measuring proxy.")
                .add(Labels.EMPTY, inFlight.get())
                .build());
        return out;
    }

    private static void hist(
            List<MetricFamily> out,
            List<Map.Entry<Labels, Series>> entries,
            String name,
            String help,
            java.util.function.Function<Series, Histogram> pick) {
        List<Sample> samples = new ArrayList<>();
        for (var e : entries) {
            Histogram h = pick.apply(e.getValue());
            if (h.count() > 0) {
                h.addTo(samples, name, e.getKey(), Labels.EMPTY);
            }
        }
        out.add(new MetricFamily(name, help, MetricType.HISTOGRAM, samples));
    }
}
