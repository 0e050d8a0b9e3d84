package io.aiwatch.tool.experiment.run;

import io.aiwatch.tool.experiment.Condition;
import io.aiwatch.tool.experiment.ConditionContext;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.SampleView;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadResult;
import io.aiwatch.tool.experiment.spec.ConditionSpec;
import io.aiwatch.tool.experiment.spec.LoadedSpec;
import io.aiwatch.tool.experiment.spec.Step;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Runs one planned iteration: waits for the conditions (recording how long and what it saw),
 * runs the workload, and writes its raw data, summary and the GPU and host state around it.
 */
final class IterationExecutor {
    private final LoadedSpec spec;
    private final RunDirectory dir;
    private final HostProbe host;
    private final BooleanSupplier interrupted;
    private final PrintStream out;
    private SampleRecorder recorder;
    private DaemonStarter.Started daemon;
    private RunManifest manifest;
    private volatile Workload current;

    IterationExecutor(LoadedSpec spec, RunDirectory dir, HostProbe host, BooleanSupplier interrupted, PrintStream out) {
        this.spec = spec;
        this.dir = dir;
        this.host = host;
        this.interrupted = interrupted;
        this.out = out;
    }

    void attach(SampleRecorder recorder, DaemonStarter.Started daemon, RunManifest manifest) {
        this.recorder = recorder;
        this.daemon = daemon;
        this.manifest = manifest;
    }

    void cancelCurrent() {
        Workload w = current;
        if (w != null) {
            w.cancel();
        }
    }

    /** Lets each condition measure its reference (idle temperature) once, at the start of a new run. */
    void beforeRun() throws IOException {
        Parameters first = spec.plan().steps().get(0).parameters();
        for (ConditionSpec c : spec.conditions()) {
            try {
                c.condition().beforeRun(context(c, first));
            } catch (Exception e) {
                throw new IOException("condition " + c.kind() + " could not prepare: " + e.getMessage(), e);
            }
        }
    }

    String run(RunManifest.Slot slot) throws IOException {
        Step step = spec.plan().step(slot.step);
        int attempt = slot.attempts + 1;
        String rel = dir.iterationDirName(slot.index, slot.step, slot.iteration, attempt);
        Path idir = dir.resolve(rel);
        Files.createDirectories(idir);
        slot.attempts = attempt;
        slot.dir = rel;
        long seed = spec.spec().seed() * 1_000_003L + slot.iteration;
        String head = String.format(
                Locale.ROOT,
                "[%d/%d] %s %s, iteration %d",
                slot.index + 1,
                manifest.iterations.size(),
                step.id(),
                step.label(),
                slot.iteration);
        List<IterationRecord.ConditionWait> waits = new ArrayList<>();
        String conditionFailure = awaitConditions(step, waits);
        long start = System.currentTimeMillis();
        if (conditionFailure != null) {
            String status = interrupted.getAsBoolean() ? RunManifest.INTERRUPTED : RunManifest.FAILED;
            write(
                    idir,
                    slot,
                    attempt,
                    status,
                    conditionFailure,
                    step,
                    seed,
                    start,
                    start,
                    waits,
                    null,
                    null,
                    null,
                    null);
            out.println(head + ": " + status + " (" + conditionFailure + ")");
            return finish(slot, status, conditionFailure);
        }
        Map<String, Object> before = GpuState.now(samples(), host);
        WorkloadResult result = null;
        String status;
        String reason = null;
        try (IterationContext ctx = new IterationContext(
                idir,
                spec.plan().duration(),
                spec.plan().warmup(),
                spec.quick(),
                slot.iteration,
                step.id(),
                seed,
                recorder,
                daemon,
                interrupted)) {
            Workload w = spec.workload().create(step.parameters());
            current = w;
            try {
                if (interrupted.getAsBoolean()) {
                    w.cancel();
                }
                result = w.run(ctx);
                status = result.interrupted()
                        ? RunManifest.INTERRUPTED
                        : result.failure() != null ? RunManifest.FAILED : RunManifest.OK;
                reason = result.interrupted() ? "interrupted (Ctrl-C)" : result.failure();
            } catch (Exception | LinkageError e) {
                status = RunManifest.CRASHED;
                reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                ctx.log("crashed: " + stackTrace(e));
            } finally {
                current = null;
                try {
                    w.close();
                } catch (Exception e) {
                    ctx.log("close failed: " + e);
                }
            }
        }
        long end = System.currentTimeMillis();
        Map<String, Object> after = GpuState.now(samples(), host);
        Map<String, Map<String, Double>> throttle = GpuState.throttle(samples(), start, end);
        write(idir, slot, attempt, status, reason, step, seed, start, end, waits, before, after, throttle, result);
        out.println(
                head + ": " + status + (reason == null ? "" : " (" + reason + ")") + headline(result) + waited(waits));
        return finish(slot, status, reason);
    }

    private String finish(RunManifest.Slot slot, String status, String reason) {
        slot.status = status;
        slot.reason = reason;
        return status;
    }

    private String awaitConditions(Step step, List<IterationRecord.ConditionWait> waits) {
        for (ConditionSpec c : spec.conditions()) {
            ConditionContext ctx = context(c, step.parameters());
            long t0 = System.nanoTime();
            int checks = 0;
            String observed = "";
            boolean held = false;
            while (true) {
                checks++;
                try {
                    Condition.Check check = c.condition().check(ctx);
                    observed = check.observed();
                    held = check.holds();
                } catch (Exception e) {
                    observed = "check failed: " + e.getMessage();
                }
                long waited = System.nanoTime() - t0;
                if (held || waited >= c.timeout().toNanos() || interrupted.getAsBoolean()) {
                    waits.add(new IterationRecord.ConditionWait(
                            c.kind(), c.condition().describe(), held, waited / 1e9, checks, observed));
                    break;
                }
                sleep(Math.min(c.poll().toMillis(), Math.max(1, (c.timeout().toNanos() - waited) / 1_000_000)));
            }
            if (!held) {
                return interrupted.getAsBoolean()
                        ? "interrupted while waiting for: " + c.condition().describe()
                        : "condition did not hold within " + io.aiwatch.tool.experiment.SpecText.format(c.timeout())
                                + ": " + c.condition().describe() + "; last observed: " + observed;
            }
        }
        return null;
    }

    private ConditionContext context(ConditionSpec c, Parameters stepParameters) {
        String prefix = c.index() + ".";
        Map<String, String> state = new PrefixedMap(manifest.conditionState, prefix);
        SampleView view = samples();
        Path root = dir.root();
        return new ConditionContext() {
            @Override
            public SampleView samples() {
                return view;
            }

            @Override
            public Parameters stepParameters() {
                return stepParameters;
            }

            @Override
            public Path runDirectory() {
                return root;
            }

            @Override
            public Map<String, String> state() {
                return state;
            }
        };
    }

    private SampleView samples() {
        return recorder == null ? SampleView.none() : recorder;
    }

    private void write(
            Path idir,
            RunManifest.Slot slot,
            int attempt,
            String status,
            String reason,
            Step step,
            long seed,
            long start,
            long end,
            List<IterationRecord.ConditionWait> waits,
            Map<String, Object> before,
            Map<String, Object> after,
            Map<String, Map<String, Double>> throttle,
            WorkloadResult r)
            throws IOException {
        String hist = null;
        if (r != null) {
            RunDirectory.writeRecords(idir.resolve(RunDirectory.RECORDS), r.records());
            if (!r.histograms().isEmpty()) {
                HistogramCodec.write(idir.resolve(RunDirectory.HISTOGRAMS), r.histograms());
                hist = RunDirectory.HISTOGRAMS;
            }
        }
        IterationRecord rec = new IterationRecord(
                slot.index,
                step.id(),
                slot.iteration,
                attempt,
                status,
                reason,
                step.parameters().asMap(),
                seed,
                start,
                end,
                waits,
                before,
                after,
                throttle,
                r == null ? null : r.summary(),
                hist,
                r == null ? 0 : r.records().size(),
                r == null ? 1 : r.timeScale(),
                r == null ? List.of() : r.notes(),
                r == null ? null : r.environment());
        RunDirectory.writeJson(idir.resolve(RunDirectory.ITERATION), rec);
    }

    void pause(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until && !interrupted.getAsBoolean()) {
            sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String headline(WorkloadResult r) {
        if (r == null || r.summary().isEmpty()) {
            return "";
        }
        List<String> keys = spec.spec().report().metrics().isEmpty()
                ? spec.workload().reportMetrics()
                : spec.spec().report().metrics();
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            Double v = r.summary().get(k);
            if (v != null && sb.length() < 80) {
                sb.append(sb.length() == 0 ? " " : ", ")
                        .append(k)
                        .append(' ')
                        .append(String.format(Locale.ROOT, "%.4g", v));
            }
        }
        return sb.toString();
    }

    private static String waited(List<IterationRecord.ConditionWait> waits) {
        double total = waits.stream()
                .mapToDouble(IterationRecord.ConditionWait::waitedS)
                .sum();
        return total >= 1 ? String.format(Locale.ROOT, " [waited %.1f s for conditions]", total) : "";
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter sw = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(sw));
        return sw.toString();
    }

    /** A view of the manifest's condition state under one condition's prefix. */
    private static final class PrefixedMap extends java.util.AbstractMap<String, String> {
        private final Map<String, String> backing;
        private final String prefix;

        PrefixedMap(Map<String, String> backing, String prefix) {
            this.backing = backing;
            this.prefix = prefix;
        }

        @Override
        public String put(String key, String value) {
            synchronized (backing) {
                return backing.put(prefix + key, value);
            }
        }

        @Override
        public String get(Object key) {
            synchronized (backing) {
                return backing.get(prefix + key);
            }
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            Set<Entry<String, String>> out = new java.util.LinkedHashSet<>();
            synchronized (backing) {
                backing.forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        out.add(new AbstractMap.SimpleImmutableEntry<>(k.substring(prefix.length()), v));
                    }
                });
            }
            return out;
        }
    }
}
