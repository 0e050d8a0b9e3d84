package io.aiwatch.tool.experiment.run;

import io.aiwatch.tool.experiment.SampleView;
import io.aiwatch.tool.experiment.WorkloadContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/** The runner's {@link WorkloadContext} for one iteration; closes what the workload left open. */
final class IterationContext implements WorkloadContext, AutoCloseable {
    private final Path dir;
    private final Duration duration;
    private final Duration warmup;
    private final boolean quick;
    private final int iteration;
    private final String stepId;
    private final long seed;
    private final SampleRecorder recorder;
    private final DaemonStarter.Started daemon;
    private final BooleanSupplier cancelled;
    private final List<AutoCloseable> handles = new ArrayList<>();
    private BufferedWriter log;

    IterationContext(
            Path dir,
            Duration duration,
            Duration warmup,
            boolean quick,
            int iteration,
            String stepId,
            long seed,
            SampleRecorder recorder,
            DaemonStarter.Started daemon,
            BooleanSupplier cancelled) {
        this.dir = dir;
        this.duration = duration;
        this.warmup = warmup;
        this.quick = quick;
        this.iteration = iteration;
        this.stepId = stepId;
        this.seed = seed;
        this.recorder = recorder;
        this.daemon = daemon;
        this.cancelled = cancelled;
    }

    @Override
    public Path outputDirectory() {
        return dir;
    }

    @Override
    public Duration duration() {
        return duration;
    }

    @Override
    public Duration warmup() {
        return warmup;
    }

    @Override
    public boolean quick() {
        return quick;
    }

    @Override
    public int iteration() {
        return iteration;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public synchronized void log(String line) {
        try {
            if (log == null) {
                log = Files.newBufferedWriter(
                        dir.resolve("workload.log"),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            log.write(Instant.now() + " " + line);
            log.newLine();
            log.flush();
        } catch (IOException e) {
            // the log is a convenience; the iteration's results do not depend on it
        }
    }

    @Override
    public SampleView samples() {
        return recorder == null ? SampleView.none() : recorder;
    }

    @Override
    public synchronized AutoCloseable recordEndpoint(String name, URI metricsUrl) {
        if (recorder == null || name.equals("daemon")) {
            return () -> {};
        }
        AutoCloseable h = recorder.record(name, metricsUrl);
        handles.add(h);
        return h;
    }

    @Override
    public synchronized AutoCloseable simulatedGpuLoad(DoubleSupplier load) {
        if (daemon == null) {
            return () -> {};
        }
        AutoCloseable h = daemon.gpuLoad(load);
        handles.add(h);
        return h;
    }

    @Override
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception e) {
                // already closed by the workload, or gone
            }
        }
        handles.clear();
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                // nothing more to write
            }
        }
    }
}
