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
 */
public final class Engine {
    private final SimulatorConfig config;
    private final EngineMetrics metrics;
    private final ArrayDeque<SimRequest> waiting = new ArrayDeque<>();
    private final List<SimRequest> running = new ArrayList<>();
    private final int totalBlocks;
    private int freeBlocks;
    /** Sink calls held back until {@link #deliverNotifications()}, or null to call sinks at once. */
    private List<Runnable> deferred;

    /** One planned engine step: who gets how many tokens, and how long it takes (simulated seconds). */
    public record Step(
            List<SimRequest> requests,
            int[] tokens,
            int prefillTokens,
            int decodeSeqs,
            double start,
            double duration) {}

    public Engine(SimulatorConfig config, EngineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.totalBlocks = config.kvBlocks();
        this.freeBlocks = totalBlocks;
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
            freeBlocks += r.blocks;
            r.blocks = 0;
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

    /** Fraction 0..1 of KV blocks in use. */
    public double kvUsage() {
        return (totalBlocks - freeBlocks) / (double) totalBlocks;
    }

    /** Schedules the next step starting at {@code now}; null when there is nothing to run. */
    public Step plan(double now) {
        if (idle()) {
            return null;
        }
        int budget = config.maxNumBatchedTokens();
        List<SimRequest> sched = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        boolean preempted = false;
        int prefillTokens = 0;
        int decodeSeqs = 0;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            SimRequest r = running.get(i);
            int want = Math.min(r.uncomputed(), budget);
            int need = blocksFor(r.computed + want) - r.blocks;
            boolean self = false;
            while (need > freeBlocks) {
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
            allocate(r, need);
            sched.add(r);
            tokens.add(want);
            budget -= want;
            if (r.prefilling()) {
                prefillTokens += want;
            } else {
                decodeSeqs++;
            }
        }
        while (!preempted && !waiting.isEmpty() && running.size() < config.maxNumSeqs() && budget > 0) {
            SimRequest r = waiting.peekFirst();
            int want = Math.min(r.uncomputed(), budget);
            int need = blocksFor(want);
            if (need > freeBlocks) {
                break;
            }
            waiting.removeFirst();
            running.add(r);
            allocate(r, need);
            if (Double.isNaN(r.firstScheduled)) {
                r.firstScheduled = Math.max(now, r.arrival);
                metrics.queue.observe(r.firstScheduled - r.arrival);
            }
            sched.add(r);
            tokens.add(want);
            budget -= want;
            prefillTokens += want;
        }
        publishGauges();
        if (sched.isEmpty()) {
            return null; // cannot happen with a valid config: a lone request always fits
        }
        double seconds = (config.decodeStepBaseMs() + config.decodeStepPerSeqMs() * decodeSeqs) / 1000.0
                + prefillTokens / config.prefillTokensPerSecond();
        return new Step(
                sched, tokens.stream().mapToInt(Integer::intValue).toArray(), prefillTokens, decodeSeqs, now, seconds);
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
            r.computed += step.tokens()[i];
            if (r.computed < r.promptTokens + r.generated) {
                continue; // prefill chunk, no token yet
            }
            r.generated++;
            metrics.generationTokens.increment();
            if (r.generated == 1) {
                r.firstToken = end;
                metrics.ttft.observe(end - r.arrival);
                metrics.promptTokens.add(r.promptTokens);
                metrics.prefixQueries.add(r.promptTokens);
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

    private void finish(SimRequest r) {
        running.remove(r);
        freeBlocks += r.blocks;
        r.blocks = 0;
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
        m.prefillKvComputed.observe(r.promptTokens);
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
        freeBlocks += victim.blocks;
        victim.blocks = 0;
        victim.computed = 0;
        victim.preemptions++;
        metrics.preemptions.increment();
        waiting.addFirst(victim);
    }

    private void allocate(SimRequest r, int blocks) {
        if (blocks > 0) {
            freeBlocks -= blocks;
            r.blocks += blocks;
        }
    }

    private int blocksFor(int tokens) {
        return (tokens + config.blockSize() - 1) / config.blockSize();
    }

    private void publishGauges() {
        metrics.running = running.size();
        metrics.waiting = waiting.size();
        metrics.kvUsage = kvUsage();
    }
}
