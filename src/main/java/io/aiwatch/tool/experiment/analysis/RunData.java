package io.aiwatch.tool.experiment.analysis;

import io.aiwatch.tool.experiment.run.HistogramCodec;
import io.aiwatch.tool.experiment.run.IterationRecord;
import io.aiwatch.tool.experiment.run.PlanFile;
import io.aiwatch.tool.experiment.run.RunDirectory;
import io.aiwatch.tool.experiment.run.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Everything a run directory holds, read back for analysis: the manifest, the plan, every
 * attempt's iteration record, the environments. Only raw files are read; nothing is taken from an
 * earlier report.
 *
 * @param dir          the run directory
 * @param manifest     its manifest
 * @param plan         its plan
 * @param attempts     every iteration attempt found, in directory order
 * @param environments environment of each session, in order
 */
public record RunData(
        RunDirectory dir,
        RunManifest manifest,
        PlanFile plan,
        List<Attempt> attempts,
        List<Map<String, Object>> environments) {

    /** One attempt and where its files are. */
    public record Attempt(Path dir, IterationRecord record) {
        public boolean ok() {
            return RunManifest.OK.equals(record.status());
        }

        public Map<String, Histogram> histograms() throws IOException {
            Path f = dir.resolve(RunDirectory.HISTOGRAMS);
            return Files.exists(f) ? HistogramCodec.read(f) : Map.of();
        }

        public List<Map<String, Object>> records() throws IOException {
            return RunDirectory.readRecords(dir.resolve(RunDirectory.RECORDS));
        }
    }

    public static RunData read(Path root) throws IOException {
        RunDirectory dir = new RunDirectory(root);
        if (!Files.exists(dir.manifest())) {
            throw new IOException(root + " is not a run directory (no " + RunDirectory.MANIFEST + ")");
        }
        RunManifest manifest = RunManifest.read(dir.manifest());
        PlanFile plan = RunDirectory.readJson(dir.plan(), PlanFile.class);
        List<Attempt> attempts = new ArrayList<>();
        Path its = root.resolve("iterations");
        if (Files.isDirectory(its)) {
            try (Stream<Path> s = Files.list(its)) {
                for (Path d : s.sorted().toList()) {
                    Path f = d.resolve(RunDirectory.ITERATION);
                    if (Files.exists(f)) {
                        attempts.add(new Attempt(d, RunDirectory.readJson(f, IterationRecord.class)));
                    }
                }
            }
        }
        List<Map<String, Object>> envs = new ArrayList<>();
        for (int i = 1; i <= manifest.sessions().size(); i++) {
            Path e = dir.environment(i);
            if (Files.exists(e)) {
                envs.add(RunDirectory.readJsonMap(e));
            }
        }
        return new RunData(dir, manifest, plan, List.copyOf(attempts), List.copyOf(envs));
    }

    /** The attempts that count: the last attempt of every planned iteration, by step. */
    public Map<String, List<Attempt>> finalAttemptsByStep() {
        Map<String, Attempt> last = new LinkedHashMap<>();
        for (Attempt a : attempts) {
            last.put(a.record().index() + "", a);
        }
        Map<String, List<Attempt>> out = new LinkedHashMap<>();
        for (PlanFile.StepEntry s : plan.steps()) {
            out.put(s.id(), new ArrayList<>());
        }
        for (Attempt a : last.values()) {
            out.computeIfAbsent(a.record().step(), k -> new ArrayList<>()).add(a);
        }
        out.values()
                .forEach(l -> l.sort((x, y) ->
                        Integer.compare(x.record().iteration(), y.record().iteration())));
        return out;
    }
}
