package io.aiwatch.tool.loadgen;

import io.aiwatch.tool.loadgen.client.OpenAiClient;
import io.aiwatch.tool.loadgen.client.ResponseTracker;
import io.aiwatch.tool.loadgen.live.LiveMetrics;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import io.aiwatch.tool.loadgen.record.RunResult;
import io.aiwatch.tool.loadgen.record.RunSpec;
import io.aiwatch.tool.loadgen.schedule.ArrivalSchedule;
import io.aiwatch.tool.loadgen.schedule.Pacer;
import io.aiwatch.tool.loadgen.schedule.TimingPriority;
import io.aiwatch.tool.loadgen.workload.Conversation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs one schedule against the server. A single pacer thread walks the precomputed schedule,
 * waits for each due time with {@link Pacer} (park, then spin), takes a concurrency slot if capped,
 * records the send time and hands the request to the async client. Lateness is never hidden: the
 * record keeps due and send times, and the next request is still due at its own time.
 * Later turns of a session are due at the previous answer's end plus think time.
 */
public final class LoadRunner {
    /** Connections opened before the clock starts: enough for the first requests of any run. */
    static final int MAX_WARM_CONNECTIONS = 64;

    private final OpenAiClient client;
    private final List<Conversation> workload;
    private final byte[][] firstBodies;
    private final LiveMetrics live;
    private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
    private final Set<ResponseTracker> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong outstanding = new AtomicLong();
    private final Object idle = new Object();
    private volatile boolean stopped;
    private volatile Thread pacerThread;
    private Semaphore slots;
    private long t0;
    /** The client's clock: every due, send and timeout is on it (System::nanoTime but in tests). */
    private final LongSupplier ticker;

    private final Pacer pacer;
    private volatile TimingPriority.Outcome pacerPriority = new TimingPriority.Outcome(0, "not run yet");
    /** Keep every response's text (vLLM's generated_texts, --save-detailed). */
    private volatile boolean keepTexts;
    /** vLLM's rps_change_events of the current ramp-up run. */
    private final List<java.util.Map<String, Object>> rpsEvents = new ArrayList<>();

    /** Bodies of every item's first turn are built here, before any timing starts. */
    public LoadRunner(OpenAiClient client, List<Conversation> workload, LiveMetrics live) {
        if (workload.isEmpty()) {
            throw new LoadgenException("the workload has no prompts");
        }
        this.client = client;
        this.ticker = client.clock();
        this.pacer = new Pacer(ticker);
        this.workload = List.copyOf(workload);
        this.live = live;
        this.firstBodies = new byte[workload.size()][];
        for (int i = 0; i < workload.size(); i++) {
            Conversation.Turn t = workload.get(i).turns().get(0);
            firstBodies[i] = client.body(List.of(), t.text(), t.maxTokens(), i);
        }
    }

    /** Keeps every response's text in the records (for vLLM's generated_texts). */
    public LoadRunner keepTexts(boolean keep) {
        this.keepTexts = keep;
        return this;
    }

    /** The nice value the pacer ran at in the last {@link #run}, and why not the one asked for. */
    TimingPriority.Outcome pacerPriority() {
        return pacerPriority;
    }

    /** Stops the run from another thread (Ctrl-C): no more sends; in-flight requests end as cancelled. */
    public void stop() {
        stopped = true;
        Thread p = pacerThread;
        if (p != null) {
            p.interrupt();
        }
        for (ResponseTracker t : inFlight) {
            t.fail(Outcome.CANCELLED, "run interrupted");
        }
    }

    /**
     * Runs the schedule (this worker's share) and waits for every request to end. Everything that
     * costs time on first use (connections, the send and response code paths, the timer thread, the
     * pacer's priority) is done before the run's clock starts, so the first requests leave on time.
     */
    public RunResult run(RunSpec spec, ArrivalSchedule schedule) throws InterruptedException {
        stopped = false;
        records.clear();
        rpsEvents.clear();
        live.setTargetRate(spec.requestRate() / spec.workerCount());
        warmUp(spec);
        int connections = spec.maxConcurrency() > 0
                ? Math.min(spec.maxConcurrency(), MAX_WARM_CONNECTIONS)
                : Math.min(Math.max(1, schedule.size()), MAX_WARM_CONNECTIONS);
        client.warm(connections, firstBodies[0]);
        slots = spec.maxConcurrency() > 0 ? new Semaphore(spec.maxConcurrency()) : null;
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(
                    () -> {
                        TimingPriority.raiseCurrentThread(); // later turns are paced from here
                        r.run();
                    },
                    "loadgen-timers");
            t.setDaemon(true);
            return t;
        });
        try {
            timers.submit(() -> {}).get(10, TimeUnit.SECONDS); // thread started and raised before t0
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // it starts later then; only its first task pays
        }
        long timeoutNanos = spec.requestTimeout().toNanos();
        pacerThread = Thread.currentThread();
        pacerPriority = TimingPriority.raiseCurrentThread();
        long waitMs = spec.startAtEpochMs() > 0 ? spec.startAtEpochMs() - System.currentTimeMillis() : 0;
        if (waitMs > 0) {
            pacer.waitUntil(ticker.getAsLong() + waitMs * 1_000_000);
        }
        long startEpoch = System.currentTimeMillis();
        t0 = ticker.getAsLong();
        timers.scheduleAtFixedRate(() -> expire(timeoutNanos), 50, 50, TimeUnit.MILLISECONDS);
        try {
            pace(spec, schedule, timers);
            awaitIdle(timeoutNanos + 2_000_000_000L);
        } finally {
            pacerThread = null;
            if (pacerPriority.raised()) {
                TimingPriority.resetCurrentThread();
            }
            Thread.interrupted();
            timers.shutdownNow();
        }
        long end = ticker.getAsLong() - t0;
        long warmupNanos = (long) (spec.warmupSeconds() * 1e9);
        List<RequestRecord> measured = new ArrayList<>();
        int excluded = 0;
        for (RequestRecord r : records) {
            if (r.dueNanos() < warmupNanos) {
                excluded++;
            } else {
                measured.add(r);
            }
        }
        // vLLM's order: the order requests were issued in (schedule position; a session's turns in send order)
        measured.sort((a, b) -> a.position() != b.position()
                ? Integer.compare(a.position(), b.position())
                : Long.compare(a.sendNanos(), b.sendNanos()));
        long window = Math.max(1, end - Math.min(warmupNanos, end));
        return new RunResult(
                measured,
                spec.requestRate(),
                spec,
                startEpoch + warmupNanos / 1_000_000,
                window,
                excluded,
                stopped,
                List.copyOf(rpsEvents));
    }

    /**
     * vllm's --num-warmups: copies of the first prompt, never measured, sent together but (as vLLM
     * does) no more at once than --max-concurrency; awaited before the run.
     */
    private void warmUp(RunSpec spec) throws InterruptedException {
        if (spec.numWarmups() <= 0) {
            return;
        }
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(spec.numWarmups());
        Semaphore cap = new Semaphore(spec.maxConcurrency() > 0 ? spec.maxConcurrency() : Integer.MAX_VALUE);
        Conversation.Turn first = workload.get(0).turns().get(0);
        for (int i = 0; i < spec.numWarmups(); i++) {
            cap.acquire();
            client.send(-1, 0, firstBodies[0], first.promptTokens(), false, (t, r) -> {
                cap.release();
                latch.countDown();
            });
        }
        if (!latch.await(spec.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new LoadgenException("warm-up requests did not finish within --request-timeout");
        }
    }

    private void pace(RunSpec spec, ArrivalSchedule schedule, ScheduledExecutorService timers) {
        boolean open = spec.openLoop() || schedule.paced();
        int lastIntRps = -1;
        if (schedule.rates() != null && schedule.size() > 0) {
            lastIntRps = (int) schedule.rates()[0];
            rpsEvents.add(rpsEvent(lastIntRps));
        }
        long deadline = spec.durationSeconds() > 0 ? t0 + (long) (spec.durationSeconds() * 1e9) : Long.MAX_VALUE;
        int n = open || spec.durationSeconds() <= 0 ? schedule.size() : Integer.MAX_VALUE;
        for (int k = 0; k < n && !stopped; k++) {
            int position;
            long due;
            if (open) {
                position = schedule.positions()[k];
                due = t0 + schedule.dueNanos()[k];
                pacer.waitUntil(due);
            } else {
                position = k < schedule.size() ? schedule.positions()[k] : k * spec.workerCount() + spec.workerIndex();
                due = -1;
            }
            long arrival = ticker.getAsLong();
            if (arrival >= deadline && !open) {
                break;
            }
            if (schedule.rates() != null) {
                int rps = (int) schedule.rates()[k];
                for (int v = lastIntRps + 1; v <= rps; v++) {
                    rpsEvents.add(rpsEvent(v));
                }
                lastIntRps = Math.max(lastIntRps, rps);
            }
            if (!open) {
                arrival = t0; // vLLM: at an infinite rate every request arrives at the start
            }
            if (slots != null) {
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (stopped) {
                releaseSlot();
                break;
            }
            Conversation conv = workload.get(position % workload.size());
            Conversation.Turn turn = conv.turns().get(0);
            dispatch(
                    position,
                    due,
                    arrival,
                    firstBodies[position % workload.size()],
                    turn.promptTokens(),
                    conv,
                    0,
                    List.of(),
                    timers,
                    spec);
        }
    }

    private static java.util.Map<String, Object> rpsEvent(int rps) {
        java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("rps", rps);
        e.put("timestamp", java.time.LocalDateTime.now().toString());
        return e;
    }

    private void dispatch(
            int position,
            long due,
            long arrival,
            byte[] body,
            int promptTokens,
            Conversation conv,
            int turnIndex,
            List<String[]> history,
            ScheduledExecutorService timers,
            RunSpec spec) {
        boolean more = turnIndex + 1 < conv.turns().size();
        outstanding.incrementAndGet();
        long now = ticker.getAsLong();
        long effectiveDue = due < 0 ? now : due;
        live.onSend(now - effectiveDue, due >= 0 && spec.openLoop());
        long arrived = arrival < 0 ? now : arrival;
        ResponseTracker tracker =
                client.send(position, effectiveDue - t0, body, promptTokens, more || keepTexts, (tr, rec) -> {
                    inFlight.remove(tr);
                    RequestRecord rel = relative(rec, arrived);
                    records.add(rel);
                    live.onDone(
                            rel, tr.traceIds() == null ? null : tr.traceIds().traceId());
                    if (more && rel.ok() && !stopped) {
                        scheduleNextTurn(position, conv, turnIndex + 1, history, tr, timers, spec);
                    } else {
                        releaseSlot();
                    }
                    if (outstanding.decrementAndGet() == 0) {
                        synchronized (idle) {
                            idle.notifyAll();
                        }
                    }
                });
        inFlight.add(tracker);
        if (tracker.isFinished()) {
            inFlight.remove(tracker);
        }
    }

    private void scheduleNextTurn(
            int position,
            Conversation conv,
            int next,
            List<String[]> history,
            ResponseTracker previous,
            ScheduledExecutorService timers,
            RunSpec spec) {
        List<String[]> h = new ArrayList<>(history);
        h.add(new String[] {conv.turns().get(next - 1).text(), previous.text()});
        Conversation.Turn turn = conv.turns().get(next);
        byte[] body = client.body(h, turn.text(), turn.maxTokens());
        long delay = spec.thinkTime().toNanos();
        long due = ticker.getAsLong() + delay;
        outstanding.incrementAndGet();
        timers.schedule(
                () -> {
                    try {
                        if (!stopped) {
                            pacer.waitUntil(due);
                            dispatch(position, due, -1, body, turn.promptTokens(), conv, next, h, timers, spec);
                        } else {
                            releaseSlot();
                        }
                    } finally {
                        if (outstanding.decrementAndGet() == 0) {
                            synchronized (idle) {
                                idle.notifyAll();
                            }
                        }
                    }
                },
                Math.max(0, delay - Pacer.SPIN_NANOS),
                TimeUnit.NANOSECONDS);
    }

    private void releaseSlot() {
        if (slots != null) {
            slots.release();
        }
    }

    /** Relative to t0, as a record for results. */
    private RequestRecord relative(RequestRecord r, long arrival) {
        return new RequestRecord(
                r.position(),
                r.dueNanos(),
                r.sendNanos() - t0,
                r.firstTokenNanos() < 0 ? -1 : r.firstTokenNanos() - t0,
                r.lastTokenNanos() < 0 ? -1 : r.lastTokenNanos() - t0,
                r.promptTokens(),
                r.outputTokens(),
                r.usageReported(),
                r.itlNanos(),
                r.streamed(),
                r.outcome(),
                r.error(),
                Math.min(arrival, r.sendNanos()) - t0,
                r.httpStatus(),
                r.errorBody(),
                r.text());
    }

    private void expire(long timeoutNanos) {
        long now = ticker.getAsLong();
        for (ResponseTracker t : inFlight) {
            if (now - t.sendNanosAbsolute() > timeoutNanos) {
                t.fail(Outcome.TIMEOUT, "no complete response within " + timeoutNanos / 1_000_000 + " ms");
            }
        }
    }

    private void awaitIdle(long maxNanos) {
        long until = System.nanoTime() + maxNanos;
        synchronized (idle) {
            while (outstanding.get() > 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    idle.wait(Math.max(1, Math.min(200, left / 1_000_000)));
                } catch (InterruptedException e) {
                    // stop(): cancel what is left and collect it below
                    for (ResponseTracker t : inFlight) {
                        t.fail(Outcome.CANCELLED, "run interrupted");
                    }
                    until = Math.min(until, System.nanoTime() + 2_000_000_000L);
                }
            }
        }
    }
}
