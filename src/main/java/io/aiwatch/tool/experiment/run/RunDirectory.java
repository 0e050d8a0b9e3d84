package io.aiwatch.tool.experiment.run;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The layout of a run directory and the reading and writing of its files:
 *
 * <pre>
 * manifest.json            what the run is and where it stands (RunManifest)
 * spec.yaml                the spec as run
 * plan.json                the expanded steps (parameters, settings, sweep values)
 * environment-N.json       host, GPUs, storage, software, per session (N = 1, 2, ... for --resume)
 * samples/samples-N.tsv.gz every scrape of the daemon and workload endpoints (SampleLog)
 * iterations/IIII-SID-iK[-aA]/
 *     iteration.json       conditions, state before/after, throttle residency, summary (IterationRecord)
 *     records.jsonl.gz     the workload's raw records
 *     histograms.json      the workload's HdrHistograms (compressed, base64), durations in ns
 *     workload.log         the workload's log lines
 * results.json, report.md, report.html   written by the analysis
 * checksums.sha256         SHA-256 of every file (sha256sum -c checksums.sha256)
 * </pre>
 */
public final class RunDirectory {
    public static final String MANIFEST = "manifest.json";
    public static final String SPEC = "spec.yaml";
    public static final String PLAN = "plan.json";
    public static final String CHECKSUMS = "checksums.sha256";
    public static final String RECORDS = "records.jsonl.gz";
    public static final String HISTOGRAMS = "histograms.json";
    public static final String ITERATION = "iteration.json";

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path manifest() {
        return root.resolve(MANIFEST);
    }

    public Path spec() {
        return root.resolve(SPEC);
    }

    public Path plan() {
        return root.resolve(PLAN);
    }

    public Path environment(int session) {
        return root.resolve("environment-" + session + ".json");
    }

    public Path samples(int session) {
        return root.resolve("samples").resolve("samples-" + session + ".tsv.gz");
    }

    /** Every samples file, in session order. */
    public List<Path> sampleFiles() throws IOException {
        Path dir = root.resolve("samples");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tsv.gz"))
                    .sorted((a, b) -> Integer.compare(sessionOf(a), sessionOf(b)))
                    .toList();
        }
    }

    private static int sessionOf(Path p) {
        String n = p.getFileName().toString().replaceAll("\\D", "");
        return n.isEmpty() ? 0 : Integer.parseInt(n);
    }

    /** Directory of attempt {@code attempt} of slot {@code index}. */
    public String iterationDirName(int index, String step, int iteration, int attempt) {
        return "iterations/" + String.format("%04d-%s-i%d", index, step, iteration)
                + (attempt > 1 ? "-a" + attempt : "");
    }

    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    public static void writeJson(Path file, Object value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        RunManifest.JSON.writeValue(tmp.toFile(), value);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public static <T> T readJson(Path file, Class<T> type) throws IOException {
        return RunManifest.JSON.readValue(file.toFile(), type);
    }

    public static Map<String, Object> readJsonMap(Path file) throws IOException {
        return RunManifest.JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
    }

    /** One JSON object per line, gzip'd. */
    public static void writeRecords(Path file, List<Map<String, Object>> records) throws IOException {
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            for (Map<String, Object> r : records) {
                w.write(RunManifest.JSON
                        .writer()
                        .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(r));
                w.write('\n');
            }
        }
    }

    public static List<Map<String, Object>> readRecords(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(RunManifest.JSON.readValue(line, new TypeReference<Map<String, Object>>() {}));
                }
            }
        }
        return out;
    }

    /**
     * Writes {@code checksums.sha256} over every file of the run (except itself), in the format
     * {@code sha256sum -c} checks.
     */
    public void writeChecksums() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(CHECKSUMS))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .sorted()
                    .toList();
        }
        StringBuilder sb = new StringBuilder();
        for (Path p : files) {
            sb.append(sha256(p))
                    .append("  ")
                    .append(root.relativize(p).toString().replace('\\', '/'))
                    .append('\n');
        }
        Files.writeString(root.resolve(CHECKSUMS), sb.toString(), StandardCharsets.UTF_8);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // digesting
            }
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
