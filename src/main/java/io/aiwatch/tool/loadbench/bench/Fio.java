package io.aiwatch.tool.loadbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs fio (the Debian package) on a {@link FioJob} and reads its JSON output. fio reports its
 * runtime in whole milliseconds, so a run must last long enough (≥ 0.5 s) for its bandwidth to be
 * precise to a fraction of a percent; the benchmark sizes warm runs with passes for that reason.
 */
public final class Fio {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String binary;

    /**
     * What fio reported for the group.
     *
     * @param ioBytes       bytes read by all jobs
     * @param runtimeMillis fio's runtime of the group, ms
     * @param totalIos      reads issued
     * @param latP50Nanos   total latency (submission to completion) percentiles, ns; 0 when absent
     * @param latMeanNanos  mean total latency, ns
     * @param cpuSeconds    CPU time of all jobs: (usr_cpu + sys_cpu) % of the summed job runtimes
     * @param commandLine   the command that ran
     */
    public record Result(
            long ioBytes,
            long runtimeMillis,
            long totalIos,
            double latP50Nanos,
            double latP90Nanos,
            double latP99Nanos,
            double latP999Nanos,
            double latMeanNanos,
            double cpuSeconds,
            List<String> commandLine) {
        public double bytesPerSecond() {
            return runtimeMillis == 0 ? 0 : ioBytes * 1000.0 / runtimeMillis;
        }

        public double iops() {
            return runtimeMillis == 0 ? 0 : totalIos * 1000.0 / runtimeMillis;
        }
    }

    public Fio() {
        this("fio");
    }

    public Fio(String binary) {
        this.binary = binary;
    }

    /** The installed fio's version ({@code fio-3.33}); throws when fio is missing. */
    public String version() throws IOException, InterruptedException {
        return exec(List.of(binary, "--version")).strip();
    }

    public Result run(FioJob job) throws IOException, InterruptedException {
        List<String> cmd = job.args(binary);
        return parse(exec(cmd), cmd);
    }

    static Result parse(String out, List<String> cmd) throws IOException {
        int brace = out.indexOf('{');
        if (brace < 0) {
            throw new IOException("fio printed no JSON: " + out.strip());
        }
        JsonNode root = JSON.readTree(out.substring(brace));
        JsonNode jobs = root.path("jobs");
        if (!jobs.isArray() || jobs.isEmpty()) {
            throw new IOException("fio JSON has no jobs");
        }
        JsonNode job = jobs.get(0);
        if (job.path("error").asInt() != 0) {
            throw new IOException(
                    "fio job failed with error " + job.path("error").asInt());
        }
        JsonNode read = job.path("read");
        JsonNode lat = read.path("lat_ns");
        JsonNode pct = lat.path("percentile");
        return new Result(
                read.path("io_bytes").asLong(),
                read.path("runtime").asLong(),
                read.path("total_ios").asLong(),
                pct.path("50.000000").asDouble(),
                pct.path("90.000000").asDouble(),
                pct.path("99.000000").asDouble(),
                pct.path("99.900000").asDouble(),
                lat.path("mean").asDouble(),
                (job.path("usr_cpu").asDouble() + job.path("sys_cpu").asDouble())
                        / 100
                        * job.path("job_runtime").asDouble()
                        / 1000,
                List.copyOf(cmd));
    }

    /** Runs a command and returns its output; nothing is written to disk (the benchmark writes only in its directory). */
    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(
                    cmd.get(0) + " not found: install the Debian package fio (" + e.getMessage() + ")", e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("fio exited with " + p.exitValue() + ": " + out.strip());
            }
            return out;
        } finally {
            p.destroy();
        }
    }
}
