package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.tool.loadbench.ModelLoader;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fio invocation that makes the same reads as an aiwatch run: same file, block size, direct
 * flag, engine, queue depth and job count. Jobs are separate fio job sections (one per aiwatch
 * reader) so that each can have its exact offset and size; {@code group_reporting} sums them.
 * The page cache is left alone ({@code invalidate=0}): both tools start from the state the
 * benchmark prepared.
 *
 * @param file        the file both read
 * @param rw          {@code read} (sequential) or {@code randread}
 * @param blockBytes  fio {@code bs}
 * @param direct      fio {@code direct}
 * @param ioengine    {@code psync}, {@code mmap} or {@code libaio}
 * @param iodepth     fio {@code iodepth} (1 for the synchronous engines)
 * @param fadviseHint fio {@code fadvise_hint}
 * @param loops       fio {@code loops}: passes over each job's range
 * @param jobs        each job's byte range
 * @param numberIos   random reads per job ({@code number_ios}); 0 for sequential
 * @param runtimeSeconds longest run ({@code runtime}); 0 for no limit
 */
public record FioJob(
        Path file,
        String rw,
        int blockBytes,
        boolean direct,
        String ioengine,
        int iodepth,
        boolean fadviseHint,
        int loops,
        List<Range> jobs,
        long numberIos,
        double runtimeSeconds) {

    /** One job's byte range. */
    public record Range(long offset, long size) {}

    public FioJob {
        jobs = List.copyOf(jobs);
    }

    /**
     * fio before axboe/fio#2017 (merged November 2025) maps {@code [0, size)} in its mmap engine
     * whatever the job's {@code offset}, so every mmap job reads the start of the file (seen with
     * Debian's fio 3.33: two jobs at 64 and 192 MiB left only 0-80 MiB in the page cache). 3.42 is
     * taken as the first release with the fix (not verified here).
     */
    public static boolean mmapOffsetBroken(String fioVersion) {
        Matcher m = Pattern.compile("fio-(\\d+)\\.(\\d+)").matcher(fioVersion);
        if (!m.find()) {
            return true;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major < 3 || (major == 3 && minor < 42);
    }

    /** True when fio can make these reads: not an mmap job at an offset under a broken fio. */
    public boolean feasible(String fioVersion) {
        return !(ioengine.equals("mmap")
                && mmapOffsetBroken(fioVersion)
                && jobs.stream().anyMatch(j -> j.offset() > 0));
    }

    /** The twin of {@link ModelLoader#load}: one job per reader over that reader's share. */
    public static FioJob sequential(
            Path file, ReadMethod method, ModelLoader.Extent extent, int blockBytes, int loops) {
        List<Range> ranges = new ArrayList<>();
        for (int r = 0; r < extent.readers(); r++) {
            long from = extent.from(r);
            long to = extent.to(r);
            if (to > from) {
                ranges.add(new Range(from, to - from));
            }
        }
        return new FioJob(
                file,
                "read",
                blockBytes,
                method.direct(),
                method.fioEngine(),
                1,
                method.fioFadviseHint(),
                loops,
                ranges,
                0,
                0);
    }

    /** The twin of {@link RandomReads#run}: {@code jobs} jobs over the whole file, uniform offsets with repeats. */
    public static FioJob random(Path file, RandomReads.Case c, long fileBytes, double maxSeconds) {
        long span = fileBytes / c.blockBytes() * c.blockBytes();
        List<Range> ranges = new ArrayList<>();
        for (int j = 0; j < c.jobs(); j++) {
            ranges.add(new Range(0, span));
        }
        return new FioJob(
                file,
                "randread",
                c.blockBytes(),
                c.direct(),
                c.engine(),
                c.iodepth(),
                false,
                1,
                ranges,
                c.opsPerJob(),
                maxSeconds);
    }

    /** The command line, {@code fio} first. */
    public List<String> args(String fio) {
        List<String> a = new ArrayList<>(List.of(
                fio,
                "--output-format=json",
                "--group_reporting",
                "--filename=" + file,
                "--rw=" + rw,
                "--bs=" + blockBytes,
                "--direct=" + (direct ? 1 : 0),
                "--ioengine=" + ioengine,
                "--iodepth=" + iodepth,
                "--invalidate=0",
                "--fadvise_hint=" + (fadviseHint ? 1 : 0),
                "--loops=" + loops,
                "--thread",
                "--lat_percentiles=1",
                "--percentile_list=50:90:99:99.9"));
        if (rw.equals("randread")) {
            // io_size: without it fio stops each job after `size` bytes (one file's worth), whatever number_ios says.
            long ioSize = Math.multiplyExact(numberIos, (long) blockBytes);
            a.addAll(List.of("--norandommap", "--randrepeat=0", "--number_ios=" + numberIos, "--io_size=" + ioSize));
        }
        if (runtimeSeconds > 0) {
            a.add("--runtime=" + Math.max(1, Math.round(runtimeSeconds * 1000)) + "ms");
        }
        for (int j = 0; j < jobs.size(); j++) {
            a.add("--name=aiwatch" + j);
            a.add("--offset=" + jobs.get(j).offset());
            a.add("--size=" + jobs.get(j).size());
        }
        return a;
    }
}
