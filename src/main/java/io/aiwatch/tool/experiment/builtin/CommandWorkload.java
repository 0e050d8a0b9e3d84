package io.aiwatch.tool.experiment.builtin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadContext;
import io.aiwatch.tool.experiment.WorkloadResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of the external command; its output lines go to the iteration's workload.log. */
final class CommandWorkload implements Workload {
    private final CommandWorkloadType.Settings s;
    private volatile Process process;
    private volatile boolean cancelled;

    CommandWorkload(CommandWorkloadType.Settings s) {
        this.s = s;
    }

    @Override
    public WorkloadResult run(WorkloadContext ctx) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(s.command()).redirectErrorStream(true);
        pb.directory(ctx.outputDirectory().toFile());
        Map<String, String> env = pb.environment();
        env.put("AIWATCH_OUTPUT_DIR", ctx.outputDirectory().toAbsolutePath().toString());
        env.put("AIWATCH_DURATION_S", seconds(ctx.duration()));
        env.put("AIWATCH_WARMUP_S", seconds(ctx.warmup()));
        env.put("AIWATCH_ITERATION", Integer.toString(ctx.iteration()));
        env.put("AIWATCH_SEED", Long.toString(ctx.seed()));
        env.put("AIWATCH_STEP", ctx.stepId());
        env.put("AIWATCH_QUICK", Boolean.toString(ctx.quick()));
        s.parameters()
                .asMap()
                .forEach((k, v) -> env.put("AIWATCH_PARAM_" + k.toUpperCase(Locale.ROOT), String.valueOf(v)));
        WorkloadResult.Builder b = WorkloadResult.builder();
        long t0 = System.nanoTime();
        Process p = pb.start();
        process = p;
        if (cancelled) {
            p.destroy();
        }
        Thread pump = new Thread(() -> pump(p, ctx), "experiment-command-output");
        pump.setDaemon(true);
        pump.start();
        boolean exited = p.waitFor(s.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            stop(p);
            b.failure("did not finish within " + s.timeout().toSeconds() + " s; killed");
        }
        pump.join(2000);
        double wall = (System.nanoTime() - t0) / 1e9;
        b.summary("wall_s", wall);
        if (exited && p.exitValue() != 0 && !cancelled) {
            b.failure("exit code " + p.exitValue() + " (see workload.log)");
        }
        b.interrupted(cancelled);
        readOutputs(ctx.outputDirectory(), b);
        return b.build();
    }

    private void readOutputs(Path dir, WorkloadResult.Builder b) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path summary = dir.resolve(s.summaryFile());
        if (Files.exists(summary)) {
            Map<String, Object> m = json.readValue(summary.toFile(), new TypeReference<Map<String, Object>>() {});
            m.forEach((k, v) -> {
                if (v instanceof Number n) {
                    b.summary(k, n.doubleValue());
                } else {
                    b.note("summary.json: '" + k + "' is not a number, left out");
                }
            });
        }
        Path records = dir.resolve(s.recordsFile());
        if (Files.exists(records)) {
            for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    b.record(json.readValue(line, new TypeReference<Map<String, Object>>() {}));
                }
            }
        }
    }

    private static void pump(Process p, WorkloadContext ctx) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                ctx.log(line);
            }
        } catch (IOException e) {
            ctx.log("output: " + e.getMessage());
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    private static String seconds(java.time.Duration d) {
        return Double.toString(d.toNanos() / 1e9);
    }
}
