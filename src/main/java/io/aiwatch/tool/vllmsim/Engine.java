package io.aiwatch.tool.vllmsim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A continuous-batching scheduler in the manner of vLLM v1, as a pure state machine over simulated
 * time (seconds). Not thread-safe: one thread (the {@link EngineLoop}, or a test) calls
 * {@link #add}, {@link #abort}, {@link #plan} and {@link #complete}.
 *
 * <p>Each step first gives every running request its tokens (a chunk of prefill, or one decode
 * token), allocating KV blocks; when the cache is full the most recently admitted request is
 * preempted (its blocks freed, to be recomputed later). Then, if nothing was preempted, waiting
 * requests are admitted first-come-first-served while {@code max_num_seqs}, the step's token budget
 * and free KV blocks allow. A request samples a token in the step that computes its last missing KV.
 *
 * <p>With prefix caching ({@link KvCache}) an admitted request first takes the cached blocks its
 * prompt starts with and computes only the rest. With speculative decoding each decoding request
 * also verifies {@code num_speculative_tokens} draft tokens in its step (they count against the
 * token budget and cost like prefill tokens, plus the drafting cost); each draft is accepted with
 * probability α given the ones before it, and the step yields the accepted drafts plus one token.
 */
public final class Engine {
    private final SimulatorConfig config;
    private final EngineMetrics metrics;
    private final ArrayDeque<SimRequest> waiting = new ArrayDeque<>();
    private final List<SimRequest> running = new ArrayList<>();
    private final KvCache kv;
    /** Sink calls held back until {@link #deliverNotifications()}, or null to call sinks at once. */
    private List<Runnable> deferred;

    /**
     * One planned engine step: who gets how many tokens (drafts: how many of them are draft tokens
     * to verify), and how long it takes (simulated seconds).
     */
    public record Step(
            List<SimRequest> requests,
            int[] tokens,
            int[] drafts,
            int prefillTokens,
            int decodeSeqs,
            double start,
            double duration) {}

    public Engine(SimulatorConfig config, EngineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.kv = new KvCache(config.kvBlocks(), config.enablePrefixCaching());
    }

    /** Queues a request (its {@code arrival} must be set). */
    void add(SimRequest r) {
        waiting.addLast(r);
        publishGauges();
    }

    /** Removes a request whose client went away; it counts as finished with reason {@code abort}. */
    void abort(long id) {
        SimRequest r = remove(id);
        if (r != null) {
            kv.release(r);
            r.done = true;
            metrics.finished("abort");
            notify(r.sink, new TokenSink.Completion("abort", r.promptTokens, r.generated));
            publishGauges();
        }
    }

    private SimRequest remove(long id) {
        for (Iterator<SimRequest> it = waiting.iterator(); it.hasNext(); ) {
            SimRequest r = it.next();
            if (r.id == id) {
                it.remove();
                return r;
            }
        }
        for (Iterator<SimRequest> it = running.iterator(); it.hasNext(); ) {
            SimRequest r = it.next();
            if (r.id == id) {
                it.remove();
                return r;
            }
        }
        return null;
    }

    public boolean idle() {
        return waiting.isEmpty() && running.isEmpty();
    }

    public int runningCount() {
        return running.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /** Fraction 0..1 of KV blocks in use (cached blocks nobody holds count as free, as in vLLM). */
    public double kvUsage() {
        return (kv.total() - kv.free()) / (double) kv.total();
    }

    /** Schedules the next step starting at {@code now}; null when there is nothing to run. */
    public Step plan(double now) {
        if (idle()) {
            return null;
        }
        int budget = config.maxNumBatchedTokens();
        int k = config.numSpeculativeTokens();
        List<SimRequest> sched = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        boolean preempted = false;
        int prefillTokens = 0;
        int decodeSeqs = 0;
        int draftTokens = 0;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            SimRequest r = running.get(i);
            boolean decoding = !r.prefilling();
            int drafts =
                    decoding ? Math.max(0, Math.min(k, Math.min(budget - 1, r.targetTokens - r.generated - 1))) : 0;
            int want = decoding ? 1 + drafts : Math.min(r.uncomputed(), budget);
            int need = blocksFor(r.computed + want) - r.blocks;
            boolean self = false;
            while (need > kv.free()) {
                SimRequest victim = running.get(running.size() - 1);
                preempt(victim);
                preempted = true;
                if (victim == r) {
                    self = true;
                    break;
                }
            }
            if (self) {
                break;
            }
            kv.allocate(r, need);
            sched.add(r);
            tokens.add(new int[] {want, drafts});
            budget -= want;
            if (decoding) {
                decodeSeqs++;
                draftTokens += drafts;
            } else {
                prefillTokens += want;
            }
        }
        while (!preempted && !waiting.isEmpty() && running.size() < config.maxNumSeqs() && budget > 0) {
            SimRequest r = waiting.peekFirst();
            int total = r.promptTokens + r.generated;
            int hitBlocks = kv.match(r.blockHashes, (total - 1) / config.blockSize());
            int hit = hitBlocks * config.blockSize();
            int want = Math.min(total - hit, budget);
            int need = blocksFor(hit + want) - hitBlocks;
            if (need > kv.free() - kv.evictableAmong(r.blockHashes, hitBlocks)) {
                break;
            }
            waiting.removeFirst();
            running.add(r);
            kv.acquireCached(r, hitBlocks);
            r.computed = hit;
            kv.allocate(r, need);
            if (config.enablePrefixCaching()) {
                metrics.prefixQueries.add(total);
                metrics.prefixHits.add(hit);
            }
            if (Double.isNaN(r.firstScheduled)) {
                r.firstScheduled = Math.max(now, r.arrival);
                r.cachedAtStart = hit;
                metrics.queue.observe(r.firstScheduled - r.arrival);
            }
            sched.add(r);
            tokens.add(new int[] {want, 0});
            budget -= want;
            prefillTokens += want;
        }
        publishGauges();
        if (sched.isEmpty()) {
            return null; // cannot happen with a valid config: a lone request always fits
        }
        double seconds = (config.decodeStepBaseMs() + config.decodeStepPerSeqMs() * decodeSeqs) / 1000.0
                + (prefillTokens + draftTokens) / config.prefillTokensPerSecond()
                + (draftTokens > 0 ? k * config.specDraftMs() / 1000.0 : 0);
        return new Step(
                sched,
                tokens.stream().mapToInt(t -> t[0]).toArray(),
                tokens.stream().mapToInt(t -> t[1]).toArray(),
                prefillTokens,
                decodeSeqs,
                now,
                seconds);
    }

    /** Applies a planned step that ended at simulated time {@code end}: computes KV, samples tokens, finishes requests. */
    public void complete(Step step, double end) {
        int total = 0;
        for (int i = 0; i < step.requests().size(); i++) {
            SimRequest r = step.requests().get(i);
            total += step.tokens()[i];
            if (r.done) {
                continue;
            }
            int drafts = step.drafts()[i];
            int produced;
            if (drafts > 0) {
                int accepted = accept(r, drafts);
                metrics.specDecode(drafts, accepted);
                r.computed += 1 + accepted;
                produced = 1 + accepted;
            } else {
                r.computed += step.tokens()[i];
                kv.registerFull(r, config.blockSize());
                if (r.computed < r.promptTokens + r.generated) {
                    continue; // prefill chunk, no token yet
                }
                produced = 1;
            }
            r.generated += produced;
            metrics.generationTokens.add(produced);
            if (r.generated == produced) {
                r.firstToken = end;
                metrics.ttft.observe(end - r.arrival);
                metrics.promptTokens.add(r.promptTokens);
                metrics.promptTokensCached.add(Math.max(0, r.cachedAtStart));
                if (!config.enablePrefixCaching()) {
                    metrics.prefixQueries.add(r.promptTokens); // queried, never hit
                }
            } else {
                metrics.itl.observe(end - r.lastToken);
            }
            r.lastToken = end;
            int generated = r.generated;
            TokenSink sink = r.sink;
            if (deferred == null) {
                sink.onToken(generated);
            } else {
                deferred.add(() -> sink.onToken(generated));
            }
            if (r.generated >= r.targetTokens) {
                finish(r);
            }
        }
        metrics.iterationTokens.observe(total);
        publishGauges();
    }

    /** Draft tokens accepted in a row, each with probability α given the ones before. */
    private int accept(SimRequest r, int drafts) {
        if (r.random == null) {
            r.random = new java.util.SplittableRandom(SimTokenizer.mix(r.seed ^ config.seed() ^ 0x5DEECE66DL));
        }
        int a = 0;
        while (a < drafts && r.random.nextDouble() < config.specAcceptanceRate()) {
            a++;
        }
        return a;
    }

    private void finish(SimRequest r) {
        running.remove(r);
        kv.release(r);
        r.done = true;
        EngineMetrics m = metrics;
        m.finished(r.finishReason);
        m.e2e.observe(r.lastToken - r.arrival);
        m.inference.observe(r.lastToken - r.firstScheduled);
        m.prefill.observe(r.firstToken - r.firstScheduled);
        m.decode.observe(r.lastToken - r.firstToken);
        m.tpot.observe(r.generated > 1 ? (r.lastToken - r.firstToken) / (r.generated - 1) : 0.0);
        m.requestPromptTokens.observe(r.promptTokens);
        m.requestGenerationTokens.observe(r.generated);
        m.maxNumGenerationTokens.observe(r.generated);
        m.paramsN.observe(1);
        if (r.paramsMaxTokens >= 0) {
            m.paramsMaxTokens.observe(r.paramsMaxTokens);
        }
        m.prefillKvComputed.observe(r.promptTokens - Math.max(0, r.cachedAtStart));
        m.requestPreemptions.observe(r.preemptions);
        notify(r.sink, new TokenSink.Completion(r.finishReason, r.promptTokens, r.generated));
    }

    private void notify(TokenSink sink, TokenSink.Completion c) {
        if (deferred == null) {
            sink.onFinished(c);
        } else {
            deferred.add(() -> sink.onFinished(c));
        }
    }

    /**
     * From now on, hold sink calls back until {@link #deliverNotifications()}. The engine loop
     * delivers a step's tokens after it has planned and timed the next step, so that waking the
     * HTTP threads overlaps the next step, as vLLM's output processing overlaps the GPU's next
     * step; called inline, waking ~1,700 streams took ~40 ms on a 2-vCPU VM and stretched every step.
     */
    void deferNotifications() {
        if (deferred == null) {
            deferred = new ArrayList<>();
        }
    }

    /** Makes the held-back sink calls, in the order the engine produced them. */
    void deliverNotifications() {
        if (deferred == null || deferred.isEmpty()) {
            return;
        }
        for (Runnable r : deferred) {
            r.run();
        }
        deferred.clear();
    }

    private void preempt(SimRequest victim) {
        running.remove(victim);
        kv.release(victim);
        victim.computed = 0;
        victim.preemptions++;
        metrics.preemptions.increment();
        waiting.addFirst(victim);
    }

    private int blocksFor(int tokens) {
        return (tokens + config.blockSize() - 1) / config.blockSize();
    }

    private void publishGauges() {
        metrics.running = running.size();
        metrics.waiting = waiting.size();
        metrics.kvUsage = kvUsage();
        metrics.cachedBlocks = kv.cachedBlocks();
    }
}
