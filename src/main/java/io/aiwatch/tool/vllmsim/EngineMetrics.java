package io.aiwatch.tool.vllmsim;

import io.aiwatch.collect.Histogram;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's statistics, exposed with vLLM v1's metric names, types, labels and buckets
 * ({@code vllm/v1/metrics/loggers.py}, {@code buckets.py}). Written by the engine thread, read by
 * scrapes. Conditional families (spec decode, LoRA, {@code --kv-cache-metrics}, NaN checks, fault
 * tolerance, priority scheduling) are not emitted, as a default vLLM does not emit them; the
 * speculative-decoding counters ({@code vllm:spec_decode_*}, vLLM's {@code SpecDecodingProm}) are
 * emitted when {@code num_speculative_tokens > 0}, as vLLM emits them only with a speculative config.
 */
public final class EngineMetrics {
    static final double[] TTFT = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
        160.0, 640.0, 2560.0
    };
    static final double[] ITL = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0
    };
    static final double[] REQUEST_LATENCY = {
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
        1920.0, 7680.0
    };
    static final double[] ITERATION_TOKENS = {1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
    static final double[] PARAMS_N = {1, 2, 5, 10, 20};
    static final double[] NUM_PREEMPTIONS = {1, 2, 3, 4, 5, 10, 20};
    static final List<String> FINISH_REASONS = List.of("stop", "length", "abort", "error", "repetition");

    private final SimulatorConfig config;
    private final double createdEpochSeconds;

    final LongAdder promptTokens = new LongAdder();
    final LongAdder generationTokens = new LongAdder();
    final LongAdder preemptions = new LongAdder();
    final LongAdder prefixQueries = new LongAdder();
    final LongAdder prefixHits = new LongAdder();
    final LongAdder promptTokensCached = new LongAdder();
    final LongAdder specDrafts = new LongAdder();
    final LongAdder specDraftTokens = new LongAdder();
    final LongAdder specAccepted = new LongAdder();
    final LongAdder[] specAcceptedPerPos;
    final LongAdder[] finished = new LongAdder[FINISH_REASONS.size()];

    final Histogram requestPromptTokens;
    final Histogram requestGenerationTokens;
    final Histogram iterationTokens = new Histogram(ITERATION_TOKENS);
    final Histogram maxNumGenerationTokens;
    final Histogram paramsN = new Histogram(PARAMS_N);
    final Histogram paramsMaxTokens;
    final Histogram ttft = new Histogram(TTFT);
    final Histogram itl = new Histogram(ITL);
    final Histogram tpot = new Histogram(ITL);
    final Histogram e2e = new Histogram(REQUEST_LATENCY);
    final Histogram queue = new Histogram(REQUEST_LATENCY);
    final Histogram inference = new Histogram(REQUEST_LATENCY);
    final Histogram prefill = new Histogram(REQUEST_LATENCY);
    final Histogram decode = new Histogram(REQUEST_LATENCY);
    final Histogram prefillKvComputed;
    final Histogram requestPreemptions = new Histogram(NUM_PREEMPTIONS);

    volatile int running;
    volatile int waiting;
    volatile double kvUsage;
    volatile int cachedBlocks;

    EngineMetrics(SimulatorConfig config, double createdEpochSeconds) {
        this.config = config;
        this.createdEpochSeconds = createdEpochSeconds;
        double[] tokens = Histogram.oneTwoFive(config.maxModelLen());
        requestPromptTokens = new Histogram(tokens);
        requestGenerationTokens = new Histogram(tokens);
        maxNumGenerationTokens = new Histogram(tokens);
        paramsMaxTokens = new Histogram(tokens);
        prefillKvComputed = new Histogram(tokens);
        for (int i = 0; i < finished.length; i++) {
            finished[i] = new LongAdder();
        }
        specAcceptedPerPos = new LongAdder[config.numSpeculativeTokens()];
        for (int i = 0; i < specAcceptedPerPos.length; i++) {
            specAcceptedPerPos[i] = new LongAdder();
        }
    }

    /** One draft of {@code drafts} tokens verified, {@code accepted} of them (a leading run) accepted. */
    void specDecode(int drafts, int accepted) {
        specDrafts.increment();
        specDraftTokens.add(drafts);
        specAccepted.add(accepted);
        for (int i = 0; i < accepted && i < specAcceptedPerPos.length; i++) {
            specAcceptedPerPos[i].increment();
        }
    }

    /** Prompt tokens found in the prefix cache so far ({@code vllm:prefix_cache_hits_total}). */
    public long prefixCacheHits() {
        return prefixHits.sum();
    }

    /** Draft tokens accepted so far ({@code vllm:spec_decode_num_accepted_tokens_total}). */
    public long specAcceptedTokens() {
        return specAccepted.sum();
    }

    /** Draft tokens proposed so far ({@code vllm:spec_decode_num_draft_tokens_total}). */
    public long specDraftTokens() {
        return specDraftTokens.sum();
    }

    void finished(String reason) {
        int i = FINISH_REASONS.indexOf(reason);
        finished[i < 0 ? FINISH_REASONS.indexOf("error") : i].increment();
    }

    /** Requests finished with {@code reason} so far. */
    public long finishedCount(String reason) {
        return finished[FINISH_REASONS.indexOf(reason)].sum();
    }

    public long preemptionCount() {
        return preemptions.sum();
    }

    /** Every family, in vLLM's order, with {@code _created} gauges as prometheus_client writes them. */
    public List<MetricFamily> families() {
        Labels base = Labels.of("engine", "0", "model_name", config.model());
        Labels engine = Labels.of("engine", "0");
        Labels model = Labels.of("model_name", config.model());
        List<MetricFamily> out = new ArrayList<>();
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.", base, running);
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", base, waiting);
        out.add(MetricFamily.builder(
                        "vllm:num_requests_waiting_by_reason",
                        MetricType.GAUGE,
                        "Number of waiting requests by reason. Reason labels: 'capacity' = waiting for scheduling capacity; "
                                + "'deferred' = deferred by transient constraints (LoRA budget, KV transfer, blocked status). "
                                + "Sum of all reasons equals vllm:num_requests_waiting.")
                .add(base.and("reason", "capacity"), waiting)
                .add(base.and("reason", "deferred"), 0)
                .build());
        out.add(MetricFamily.builder(
                        "vllm:engine_sleep_state",
                        MetricType.GAUGE,
                        "Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; "
                                + "weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.")
                .add(base.and("sleep_state", "awake"), 1)
                .add(base.and("sleep_state", "weights_offloaded"), 0)
                .add(base.and("sleep_state", "discard_all"), 0)
                .build());
        gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", base, kvUsage);
        counter(
                out,
                "vllm:prefix_cache_queries",
                "Prefix cache queries, in terms of number of queried tokens.",
                base,
                prefixQueries.sum());
        counter(
                out,
                "vllm:prefix_cache_hits",
                "Prefix cache hits, in terms of number of cached tokens.",
                base,
                prefixHits.sum());
        counter(
                out,
                "vllm:external_prefix_cache_queries",
                "External prefix cache queries from KV connector cross-instance "
                        + "cache sharing, in terms of number of queried tokens.",
                base,
                0);
        counter(
                out,
                "vllm:external_prefix_cache_hits",
                "External prefix cache hits from KV connector cross-instance "
                        + "cache sharing, in terms of number of cached tokens.",
                base,
                0);
        counter(
                out,
                "vllm:mm_cache_queries",
                "Multi-modal cache queries, in terms of number of queried items.",
                base,
                0);
        counter(out, "vllm:mm_cache_hits", "Multi-modal cache hits, in terms of number of cached items.", base, 0);
        counter(
                out,
                "vllm:num_preemptions",
                "Cumulative number of preemption from the engine.",
                base,
                preemptions.sum());
        counter(out, "vllm:prompt_tokens", "Number of prefill tokens processed.", base, promptTokens.sum());
        long prompt = promptTokens.sum();
        MetricFamily.Builder bySource = MetricFamily.builder(
                "vllm:prompt_tokens_by_source_total", MetricType.COUNTER, "Number of prompt tokens by source.");
        long cached = promptTokensCached.sum();
        bySource.add(base.and("source", "local_compute"), prompt - cached);
        bySource.add(base.and("source", "local_cache_hit"), cached);
        bySource.add(base.and("source", "external_kv_transfer"), 0);
        withCreated(out, bySource.build());
        counter(out, "vllm:prompt_tokens_cached", "Number of cached prompt tokens (local + external).", base, cached);
        counter(out, "vllm:generation_tokens", "Number of generation tokens processed.", base, generationTokens.sum());
        MetricFamily.Builder success = MetricFamily.builder(
                "vllm:request_success_total", MetricType.COUNTER, "Count of successfully processed requests.");
        for (int i = 0; i < FINISH_REASONS.size(); i++) {
            success.add(
                    Labels.of("engine", "0", "finished_reason", FINISH_REASONS.get(i), "model_name", config.model()),
                    finished[i].sum());
        }
        withCreated(out, success.build());
        histogram(
                out,
                "vllm:request_prompt_tokens",
                "Number of prefill tokens processed.",
                requestPromptTokens,
                engine,
                model);
        histogram(
                out,
                "vllm:request_generation_tokens",
                "Number of generation tokens processed.",
                requestGenerationTokens,
                engine,
                model);
        histogram(
                out,
                "vllm:iteration_tokens_total",
                "Histogram of number of tokens per engine_step.",
                iterationTokens,
                engine,
                model);
        histogram(
                out,
                "vllm:request_max_num_generation_tokens",
                "Histogram of maximum number of requested generation tokens.",
                maxNumGenerationTokens,
                engine,
                model);
        histogram(out, "vllm:request_params_n", "Histogram of the n request parameter.", paramsN, engine, model);
        histogram(
                out,
                "vllm:request_params_max_tokens",
                "Histogram of the max_tokens request parameter.",
                paramsMaxTokens,
                engine,
                model);
        histogram(
                out,
                "vllm:time_to_first_token_seconds",
                "Histogram of time to first token in seconds.",
                ttft,
                engine,
                model);
        histogram(
                out,
                "vllm:inter_token_latency_seconds",
                "Histogram of inter-token latency in seconds.",
                itl,
                engine,
                model);
        histogram(
                out,
                "vllm:request_time_per_output_token_seconds",
                "Histogram of time_per_output_token_seconds per request.",
                tpot,
                engine,
                model);
        histogram(
                out,
                "vllm:e2e_request_latency_seconds",
                "Histogram of e2e request latency in seconds.",
                e2e,
                engine,
                model);
        histogram(
                out,
                "vllm:request_queue_time_seconds",
                "Histogram of time spent in WAITING phase for request.",
                queue,
                engine,
                model);
        histogram(
                out,
                "vllm:request_inference_time_seconds",
                "Histogram of time spent in RUNNING phase for request.",
                inference,
                engine,
                model);
        histogram(
                out,
                "vllm:request_prefill_time_seconds",
                "Histogram of time spent in PREFILL phase for request.",
                prefill,
                engine,
                model);
        histogram(
                out,
                "vllm:request_decode_time_seconds",
                "Histogram of time spent in DECODE phase for request.",
                decode,
                engine,
                model);
        histogram(
                out,
                "vllm:request_prefill_kv_computed_tokens",
                "Histogram of new KV tokens computed during prefill (excluding cached tokens).",
                prefillKvComputed,
                engine,
                model);
        histogram(
                out,
                "vllm:request_num_preemptions",
                "Number of preemptions per finished request.",
                requestPreemptions,
                engine,
                model);
        out.add(MetricFamily.builder(
                        "vllm:cache_config_info", MetricType.GAUGE, "Information of the LLMEngine CacheConfig")
                .add(CacheConfigInfo.labels(config), 1)
                .build());
        if (config.numSpeculativeTokens() > 0) {
            specDecodeFamilies(out, base);
        }
        return out;
    }

    /** vLLM's SpecDecodingProm counters (labels model_name, engine; per position also position). */
    private void specDecodeFamilies(List<MetricFamily> out, Labels base) {
        counter(out, "vllm:spec_decode_num_drafts", "Number of spec decoding drafts.", base, specDrafts.sum());
        counter(out, "vllm:spec_decode_num_draft_tokens", "Number of draft tokens.", base, specDraftTokens.sum());
        counter(out, "vllm:spec_decode_num_accepted_tokens", "Number of accepted tokens.", base, specAccepted.sum());
        MetricFamily.Builder perPos = MetricFamily.builder(
                "vllm:spec_decode_num_accepted_tokens_per_pos_total",
                MetricType.COUNTER,
                "Accepted tokens per draft position.");
        for (int i = 0; i < specAcceptedPerPos.length; i++) {
            perPos.add(base.and("position", Integer.toString(i)), specAcceptedPerPos[i].sum());
        }
        withCreated(out, perPos.build());
    }

    private static void gauge(List<MetricFamily> out, String name, String help, Labels labels, double v) {
        out.add(MetricFamily.builder(name, MetricType.GAUGE, help)
                .add(labels, v)
                .build());
    }

    private void counter(List<MetricFamily> out, String declared, String help, Labels labels, double v) {
        withCreated(
                out,
                MetricFamily.builder(declared + "_total", MetricType.COUNTER, help)
                        .add(labels, v)
                        .build());
    }

    private void histogram(List<MetricFamily> out, String name, String help, Histogram h, Labels before, Labels after) {
        List<Sample> samples = new ArrayList<>();
        h.addTo(samples, name, before, after);
        withCreated(out, new MetricFamily(name, help, MetricType.HISTOGRAM, samples));
    }

    /** Adds the family and its {@code <name>_created} gauge family (seconds since the epoch). */
    private void withCreated(List<MetricFamily> out, MetricFamily f) {
        out.add(f);
        String base = f.name().endsWith("_total") && f.type() == MetricType.COUNTER
                ? f.name().substring(0, f.name().length() - "_total".length())
                : f.name();
        MetricFamily.Builder created = MetricFamily.builder(base + "_created", MetricType.GAUGE, f.help());
        f.samples().stream()
                .filter(s -> !s.name().endsWith("_bucket") && !s.name().endsWith("_sum"))
                .map(s -> s.labels())
                .distinct()
                .forEach(l -> created.add(l, createdEpochSeconds));
        out.add(created.build());
    }
}
