package io.aiwatch.source.inference;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.DetailKey;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scrapes one vLLM {@code /metrics} endpoint and exposes it as {@code aiwatch_inference_*}.
 *
 * <p>One collector per target, so a slow or broken target only delays itself. A failed scrape
 * (connect, timeout, HTTP status, oversized or unparsable body) does not throw: the snapshot
 * keeps the last good values, with {@code aiwatch_inference_target_up 0},
 * {@code aiwatch_inference_target_stale 1} and the error counted by reason. A scrape with more
 * samples than the target's budget is such a failure too (reason {@code series_limit}); its
 * samples are counted in {@code aiwatch_inference_series_dropped_total} and
 * {@code aiwatch_inference_target_over_budget} is 1 until a scrape succeeds again.
 */
public final class VllmCollector implements Collector {
    private static final Logger LOG = Logger.getLogger(VllmCollector.class.getName());

    /** What the status page needs about this target; immutable. */
    public record Status(String target, String url, boolean up, boolean stale, String lastError, Instant lastSuccess) {}

    /** Each target's {@link Status}, one per collector. */
    public static final DetailKey<Status> STATUS = DetailKey.of("inference target", Status.class);

    private final InferenceConfig.Target config;
    private final Clock clock;
    private final VllmScraper scraper;
    private final int maxSamples;
    private final VllmNormalizer normalizer;
    private final LatencyWindows windows = new LatencyWindows();
    private final Map<String, Long> errors = new LinkedHashMap<>();
    private final Map<String, String> helpByFamily = new HashMap<>();
    private List<MetricFamily> lastGood;
    private Instant lastSuccess;
    private String lastErrorReason;
    private long seriesDropped;
    private boolean overBudget;

    public VllmCollector(InferenceConfig.Target config, Clock clock) {
        this(config, InferenceConfig.DEFAULT_MAX_SERIES_PER_TARGET, clock);
    }

    /** @param maxSamples the most samples one scrape may hold (see {@link InferenceConfig#budgetPerTarget}) */
    public VllmCollector(InferenceConfig.Target config, int maxSamples, Clock clock) {
        this.config = config;
        this.maxSamples = maxSamples;
        this.clock = clock;
        this.scraper = new VllmScraper(config.url(), config.timeout());
        this.normalizer = new VllmNormalizer(config.name());
        for (String reason : ScrapeFailure.REASONS) {
            errors.put(reason, 0L);
        }
        for (VllmNames.Target t : VllmNames.TARGETS) {
            helpByFamily.put(
                    t.family(), t.family().replace("aiwatch_inference_", "").replace('_', ' '));
        }
    }

    @Override
    public String name() {
        return "inference-" + config.name();
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Snapshot collect() throws InterruptedException {
        long t0 = System.nanoTime();
        boolean up;
        String error = null;
        try {
            List<PromFamily> parsed = scraper.fetch(maxSamples);
            overBudget = false;
            Instant now = clock.instant();
            List<MetricFamily> families = new ArrayList<>(normalizer.normalize(parsed, windows, now));
            families.addAll(windows.families(now, helpByFamily));
            lastGood = List.copyOf(families);
            lastSuccess = now;
            up = true;
        } catch (ScrapeFailure e) {
            errors.merge(e.reason(), 1L, Long::sum);
            if (e.getCause() instanceof SeriesLimitException limit) {
                seriesDropped += limit.samples();
                overBudget = true;
            }
            error = e.reason() + ": " + e.getMessage();
            if (!e.reason().equals(lastErrorReason)) {
                LOG.log(Level.WARNING, "inference target " + config.name() + " scrape failed: " + error);
            }
            lastErrorReason = e.reason();
            up = false;
        }
        if (up) {
            lastErrorReason = null;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<MetricFamily> out = new ArrayList<>(lastGood == null ? List.of() : lastGood);
        out.addAll(statusFamilies(up, seconds));
        Status status =
                new Status(config.name(), config.url().toString(), up, !up && lastGood != null, error, lastSuccess);
        return Snapshot.of(out, STATUS, status);
    }

    private List<MetricFamily> statusFamilies(boolean up, double seconds) {
        Labels target = Labels.of("target", config.name());
        List<MetricFamily> out = new ArrayList<>();
        out.add(MetricFamily.builder(
                        "aiwatch_inference_target_up",
                        MetricType.GAUGE,
                        "1 when the last scrape of the vLLM target succeeded, else 0.")
                .add(target, up ? 1 : 0)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_target_stale",
                        MetricType.GAUGE,
                        "1 when the inference values shown for this target are from an earlier, last good scrape.")
                .add(target, !up && lastGood != null ? 1 : 0)
                .build());
        var errorFamily = MetricFamily.builder(
                "aiwatch_inference_scrape_errors_total",
                MetricType.COUNTER,
                "Failed scrapes of the vLLM target, by reason (connect, timeout, http_status, too_large, io, parse,"
                        + " series_limit).");
        errors.forEach((reason, n) -> errorFamily.add(target.and("reason", reason), n));
        out.add(errorFamily.build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_series_dropped_total",
                        MetricType.COUNTER,
                        "Samples of the vLLM target dropped because a scrape had more than the target's series budget.")
                .add(target, seriesDropped)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_target_over_budget",
                        MetricType.GAUGE,
                        "1 when the last scrape of the vLLM target was dropped for exceeding its series budget, else 0.")
                .add(target, overBudget ? 1 : 0)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_series_budget",
                        MetricType.GAUGE,
                        "Most samples one scrape of the vLLM target may have (its series budget).")
                .add(target, maxSamples)
                .build());
        out.add(MetricFamily.builder(
                        "aiwatch_inference_scrape_duration_seconds",
                        MetricType.GAUGE,
                        "Wall time of the last scrape of the vLLM target, including parsing, seconds.")
                .add(target, seconds)
                .build());
        if (lastSuccess != null) {
            out.add(MetricFamily.builder(
                            "aiwatch_inference_last_success_timestamp_seconds",
                            MetricType.GAUGE,
                            "Unix time of the last successful scrape of the vLLM target, seconds.")
                    .add(target, lastSuccess.toEpochMilli() / 1e3)
                    .build());
        }
        return out;
    }

    @Override
    public void close() {
        scraper.close();
    }
}
