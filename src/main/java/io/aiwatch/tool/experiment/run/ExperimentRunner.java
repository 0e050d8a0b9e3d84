package io.aiwatch.tool.experiment.run;

import io.aiwatch.tool.experiment.SpecException;
import io.aiwatch.tool.experiment.spec.ConditionSpec;
import io.aiwatch.tool.experiment.spec.ExperimentSpec;
import io.aiwatch.tool.experiment.spec.LoadedSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs an experiment into a run directory: starts (or connects to) the daemon and records it,
 * captures the environment, then runs every planned iteration: conditions first, then the
 * workload, then its raw data and the state around it. {@link #interrupt()} (Ctrl-C) stops the
 * current iteration, keeps what it measured, and leaves the run incomplete for {@code --resume}.
 */
public final class ExperimentRunner {
    private final LoadedSpec spec;
    private final RunDirectory dir;
    private final boolean resume;
    private final DaemonStarter starter;
    private final PrintStream out;
    private final HostProbe host;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final IterationExecutor executor;
    private volatile boolean interrupted;

    /** How a session ended. */
    public record Outcome(String state, int ok, int failed, int pending, String reason) {}

    public ExperimentRunner(
            LoadedSpec spec, Path runDir, boolean resume, DaemonStarter starter, PrintStream out, HostProbe host) {
        this.spec = spec;
        this.dir = new RunDirectory(runDir);
        this.resume = resume;
        this.starter = starter;
        this.out = out;
        this.host = host;
        this.executor = new IterationExecutor(spec, dir, host, () -> interrupted, out);
    }

    public RunDirectory directory() {
        return dir;
    }

    /** Ctrl-C: stop the current iteration and wait (up to 30 s) until what it measured is written. */
    public void interrupt() {
        interrupted = true;
        executor.cancelCurrent();
        try {
            finished.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Outcome run() throws IOException, SpecException {
        try {
            return runSession();
        } finally {
            finished.countDown();
        }
    }

    private Outcome runSession() throws IOException, SpecException {
        RunManifest m = prepare();
        int session = m.sessions.size() + 1;
        RunManifest.Session s = new RunManifest.Session();
        s.started = Instant.now().toString();
        s.samples = dir.root().relativize(dir.samples(session)).toString();
        s.environment = dir.root().relativize(dir.environment(session)).toString();
        m.sessions.add(s);
        m.state = "running";
        m.ended = null;
        m.write(dir.manifest());
        ExperimentSpec.Recording rec = spec.spec().record();
        Files.createDirectories(dir.samples(session).getParent());
        DaemonStarter.Started daemon = null;
        String endState = "complete";
        String reason = null;
        try (SampleRecorder recorder = new SampleRecorder(
                new SampleLog(dir.samples(session)),
                io.aiwatch.tool.experiment.SpecText.duration(rec.interval()),
                rec.families(),
                System::currentTimeMillis)) {
            URI daemonUrl = null;
            String daemonText = "none (record.daemon: none)";
            if (rec.daemon().equals("start")) {
                try {
                    daemon = starter.start(
                            rec.simulateGpus().equals("auto") ? -1 : Integer.parseInt(rec.simulateGpus()));
                } catch (Exception e) {
                    throw new IOException("cannot start the daemon: " + e.getMessage(), e);
                }
                daemonUrl = daemon.metricsUrl();
                daemonText = daemon.description() + " at " + daemonUrl;
            } else if (!rec.daemon().equals("none")) {
                String u = rec.daemon().replaceAll("/+$", "");
                daemonUrl = URI.create(u.endsWith("/metrics") ? u : u + "/metrics");
                daemonText = "running daemon at " + daemonUrl;
            }
            s.daemon = daemonText;
            if (daemonUrl != null) {
                recorder.record("daemon", daemonUrl);
                awaitFirstScrape(recorder, daemonUrl);
            }
            boolean simGpus = daemon != null && daemon.simulatedGpus();
            RunDirectory.writeJson(
                    dir.environment(session),
                    EnvironmentCapture.capture(host, recorder, dir.root(), daemonText, simGpus));
            executor.attach(recorder, daemon, m);
            if (session == 1) {
                executor.beforeRun();
                m.write(dir.manifest());
            }
            out.println("experiment " + spec.spec().id() + ": "
                    + spec.plan().steps().size() + " steps x " + spec.plan().iterations()
                    + " iterations, run directory " + dir.root());
            for (RunManifest.Slot slot : m.iterations) {
                if (slot.done()) {
                    continue;
                }
                if (interrupted) {
                    endState = "interrupted";
                    reason = "interrupted (Ctrl-C)";
                    break;
                }
                String status = executor.run(slot);
                m.write(dir.manifest());
                if (status.equals(RunManifest.INTERRUPTED)) {
                    endState = "interrupted";
                    reason = "interrupted (Ctrl-C) during iteration " + (slot.index + 1);
                    break;
                }
                if (status.equals(RunManifest.CRASHED)) {
                    endState = "crashed";
                    reason = "the workload crashed in iteration " + (slot.index + 1) + ": " + slot.reason;
                    break;
                }
                executor.pause(spec.plan().pause());
            }
        } finally {
            if (daemon != null) {
                daemon.close();
            }
            long pending = m.iterations.stream().filter(x -> !x.done()).count();
            if (endState.equals("complete") && pending > 0) {
                endState = "interrupted";
                reason = pending + " iterations not run";
            }
            s.ended = Instant.now().toString();
            s.endState = endState;
            s.reason = reason;
            m.state = pending == 0 ? "complete" : "incomplete";
            m.ended = s.ended;
            m.write(dir.manifest());
        }
        int ok = (int) m.iterations.stream()
                .filter(x -> x.status.equals(RunManifest.OK))
                .count();
        int failed = (int) m.iterations.stream()
                .filter(x -> x.status.equals(RunManifest.FAILED))
                .count();
        int pending = m.iterations.size() - ok - failed;
        return new Outcome(m.state, ok, failed, pending, reason);
    }

    private RunManifest prepare() throws IOException, SpecException {
        Files.createDirectories(dir.root());
        if (resume) {
            if (!Files.exists(dir.manifest())) {
                throw new SpecException(dir.root() + ": nothing to resume (no " + RunDirectory.MANIFEST + ")");
            }
            RunManifest m = RunManifest.read(dir.manifest());
            if (!spec.sha256().equals(m.specSha256)) {
                throw new SpecException(spec.file() + " is not the spec this run started with (" + dir.spec()
                        + "); resume with that spec, or start a new run directory");
            }
            if (m.quick != spec.quick()) {
                throw new SpecException(
                        "the run was started " + (m.quick ? "with" : "without") + " --quick; resume it the same way");
            }
            return m;
        }
        try (var entries = Files.list(dir.root())) {
            if (entries.findAny().isPresent()) {
                throw new SpecException(
                        dir.root() + " is not empty: choose a new --out directory, or --resume the run in it");
            }
        }
        Files.writeString(dir.spec(), spec.text(), StandardCharsets.UTF_8);
        PlanFile plan = PlanFile.of(spec);
        RunDirectory.writeJson(dir.plan(), plan);
        RunManifest m = new RunManifest();
        m.id = spec.spec().id();
        m.title = spec.spec().title();
        m.specSha256 = spec.sha256();
        m.quick = spec.quick();
        m.simulated = plan.simulated();
        m.started = Instant.now().toString();
        for (var slot : spec.plan().sequence()) {
            RunManifest.Slot x = new RunManifest.Slot();
            x.index = slot.index();
            x.step = slot.stepId();
            x.iteration = slot.iteration();
            m.iterations.add(x);
        }
        return m;
    }

    private void awaitFirstScrape(SampleRecorder recorder, URI url) throws IOException {
        long until = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < until) {
            if (!recorder.latest("aiwatch_collector_up").isEmpty()
                    || !recorder.latest("DCGM_FI_DEV_GPU_TEMP").isEmpty()) {
                // give the slow collectors (10 s) no wait: the environment uses the fast ones
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IOException("the daemon at " + url + " gave no samples within 15 s");
    }

    /** Conditions in spec order, for tests. */
    List<ConditionSpec> conditions() {
        return spec.conditions();
    }
}
