package io.aiwatch.tool.loadgen.live;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.collect.Histogram;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Live, thread-safe counters of a run, read by the progress line and rendered as
 * {@code aiwatch_loadgen_*} families for Prometheus while the experiment runs. Updates are
 * LongAdder increments (no locks on the request path).
 */
public final class LiveMetrics {
    private static final double[] LATENCY_BOUNDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160
    };
    private static final double[] TOKEN_BOUNDS = {
        0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5
    };
    private static final double[] LAG_BOUNDS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
    };

    private final Labels base;
    private final LongAdder sent = new LongAdder();
    private final LongAdder[] byOutcome = new LongAdder[Outcome.values().length];
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final Histogram ttft = new Histogram(LATENCY_BOUNDS);
    private final Histogram e2el = new Histogram(LATENCY_BOUNDS);
    private final Histogram tpot = new Histogram(TOKEN_BOUNDS);
    private final Histogram itl = new Histogram(TOKEN_BOUNDS);
    private final Histogram lag = new Histogram(LAG_BOUNDS);
    private final Recorder lagRecorder = new Recorder(3);
    private volatile double targetRate;

    /** @param workerIndex label value worker="i" so workers of one run stay apart in Prometheus */
    public LiveMetrics(int workerIndex) {
        this.base = Labels.of("worker", Integer.toString(workerIndex));
        for (int i = 0; i < byOutcome.length; i++) {
            byOutcome[i] = new LongAdder();
        }
    }

    public void setTargetRate(double rate) {
        this.targetRate = rate;
    }

    public void onSend(long lagNanos, boolean measureLag) {
        sent.increment();
        inFlight.incrementAndGet();
        if (measureLag) {
            long l = Math.max(0, lagNanos);
            lag.observe(l / 1e9);
            lagRecorder.recordValue(Math.max(1, l / 1000));
        }
    }

    public void onDone(RequestRecord r) {
        onDone(r, null);
    }

    /** A finished request; {@code traceId} (null: untraced) becomes the exemplar of its latency buckets. */
    public void onDone(RequestRecord r, String traceId) {
        inFlight.decrementAndGet();
        byOutcome[r.outcome().ordinal()].increment();
        if (!r.ok()) {
            return;
        }
        inputTokens.add(r.promptTokens());
        outputTokens.add(r.outputTokens());
        Instant now = traceId == null ? null : Instant.now();
        e2el.observe(r.e2elNanos() / 1e9, exemplar(traceId, r.e2elNanos() / 1e9, now));
        if (r.ttftNanos() >= 0) {
            ttft.observe(r.ttftNanos() / 1e9, exemplar(traceId, r.ttftNanos() / 1e9, now));
        }
        if (r.tpotNanos() >= 0) {
            tpot.observe(r.tpotNanos() / 1e9, exemplar(traceId, r.tpotNanos() / 1e9, now));
        }
        for (long g : r.itlNanos()) {
            itl.observe(g / 1e9);
        }
    }

    private static Exemplar exemplar(String traceId, double v, Instant at) {
        return traceId == null ? null : Exemplar.ofTrace(traceId, v, at);
    }

    public long sent() {
        return sent.sum();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long completed(Outcome o) {
        return byOutcome[o.ordinal()].sum();
    }

    public long errors() {
        long n = 0;
        for (Outcome o : Outcome.values()) {
            if (o != Outcome.OK) {
                n += byOutcome[o.ordinal()].sum();
            }
        }
        return n;
    }

    /** Lag histogram (µs) since the previous call; for the progress line. */
    public org.HdrHistogram.Histogram lagInterval() {
        return lagRecorder.getIntervalHistogram();
    }

    /** The families, rendered fresh (a scrape never blocks the run). */
    public List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>();
        MetricFamily.Builder req = MetricFamily.builder(
                "aiwatch_loadgen_requests_total",
                MetricType.COUNTER,
                "Requests finished, by outcome (ok, http_5xx, timeout, broken_stream, ...).");
        for (Outcome o : Outcome.values()) {
            req.add(base.and("outcome", o.label()), byOutcome[o.ordinal()].sum());
        }
        out.add(req.build());
        out.add(MetricFamily.builder(
                        "aiwatch_loadgen_requests_sent_total",
                        MetricType.COUNTER,
                        "Requests handed to the HTTP client.")
                .add(base, sent.sum())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_loadgen_requests_in_flight", MetricType.GAUGE, "Requests sent and not finished.")
                .add(base, inFlight.get())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_loadgen_target_request_rate",
                        MetricType.GAUGE,
                        "Requested arrival rate of this worker's schedule in requests per second (+Inf: as fast as allowed).")
                .add(base, targetRate)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_loadgen_prompt_tokens_total",
                        MetricType.COUNTER,
                        "Prompt tokens of successful requests (server usage when reported).")
                .add(base, inputTokens.sum())
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_loadgen_output_tokens_total",
                        MetricType.COUNTER,
                        "Output tokens of successful requests (server usage when reported).")
                .add(base, outputTokens.sum())
                .build());
        out.add(ttft.family("aiwatch_loadgen_ttft_seconds", "Client time to first token (send to first chunk).", base));
        out.add(e2el.family(
                "aiwatch_loadgen_e2e_latency_seconds", "Client end-to-end latency (send to last token).", base));
        out.add(tpot.family(
                "aiwatch_loadgen_tpot_seconds", "Time per output token, excluding the first (vLLM TPOT).", base));
        out.add(itl.family("aiwatch_loadgen_itl_seconds", "Gaps between streamed token chunks (vLLM ITL).", base));
        out.add(lag.family(
                "aiwatch_loadgen_schedule_lag_seconds", "Send time minus due time of open-loop requests.", base));
        return out;
    }
}
