package io.aiwatch.source.storage;

import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Per-process I/O from {@code /proc/PID/io} for the inference processes: those the GPU collector
 * says use a GPU, then those whose command line matches {@code process_patterns} (case-insensitive;
 * default {@code vllm}, which also matches vLLM's {@code VLLM::EngineCore} workers), at most
 * {@code max_processes}. {@code read_bytes} counts bytes fetched from storage, page faults of
 * mmap'ed safetensors included, so its rate is the model-loading throughput of that process.
 * Reading another user's {@code io} needs root or CAP_SYS_PTRACE.
 */
public final class ProcessIoCollector implements Collector {
    static final String FILE = "pid/io";
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(ProcessIoCollector.class.getName());

    private final StorageConfig config;
    private final ParseErrors errors;
    private final Supplier<Set<Long>> gpuPids;
    private final List<Pattern> patterns;
    private final Path proc;
    /** pid → whether its command line matched; pids are re-checked only when new. */
    private Map<Long, Boolean> matchCache = new HashMap<>();

    /** One tracked process's counters, the snapshot's detail. */
    public record ProcessIo(
            long pid,
            String comm,
            String match,
            long readBytes,
            long writeBytes,
            long rchar,
            long wchar,
            long cancelledWriteBytes) {}

    public ProcessIoCollector(StorageConfig config, ParseErrors errors, Supplier<Set<Long>> gpuPids) {
        this.config = config;
        this.errors = errors;
        this.gpuPids = gpuPids;
        this.patterns = config.processPatterns().stream()
                .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE))
                .toList();
        this.proc = config.procRoot();
    }

    @Override
    public String name() {
        return "storage_process";
    }

    @Override
    public Duration interval() {
        return config.interval();
    }

    @Override
    public Snapshot collect() throws IOException {
        Set<Long> gpu = new TreeSet<>();
        try {
            gpu.addAll(gpuPids.get());
        } catch (RuntimeException e) {
            // The GPU side failing must not hide the pattern-matched processes.
            LOG.fine(() -> "gpu pids unavailable: " + e);
        }
        TreeSet<Long> matched = new TreeSet<>();
        Map<Long, Boolean> cache = new HashMap<>();
        try (DirectoryStream<Path> dirs =
                Files.newDirectoryStream(proc, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                Boolean m = matchCache.get(pid);
                if (m == null) {
                    m = matchesPattern(dir);
                }
                cache.put(pid, m);
                if (m && !gpu.contains(pid)) {
                    matched.add(pid);
                }
            }
        }
        matchCache = cache;
        List<ProcessIo> tracked = new ArrayList<>();
        int candidates = 0;
        for (long pid : gpu) {
            candidates++;
            if (tracked.size() < config.maxProcesses()) {
                read(pid, "gpu", tracked);
            }
        }
        for (long pid : matched) {
            candidates++;
            if (tracked.size() < config.maxProcesses()) {
                read(pid, "pattern", tracked);
            }
        }
        return Snapshot.of(families(tracked, candidates));
    }

    private boolean matchesPattern(Path dir) {
        String cmdline;
        try {
            cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
            cmdline = cmdline.isBlank() ? Files.readString(dir.resolve("comm")).strip() : cmdline;
        } catch (IOException | RuntimeException e) {
            return false; // gone, or a kernel thread we may not read
        }
        for (Pattern p : patterns) {
            if (p.matcher(cmdline).find()) {
                return true;
            }
        }
        return false;
    }

    private void read(long pid, String match, List<ProcessIo> out) {
        Path dir = proc.resolve(Long.toString(pid));
        String text;
        String comm;
        try {
            text = Files.readString(dir.resolve("io"));
            comm = Files.readString(dir.resolve("comm")).strip();
        } catch (IOException | RuntimeException e) {
            return; // exited between the listing and now, or not ours to read
        }
        Map<String, Long> v = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                continue;
            }
            try {
                v.put(
                        line.substring(0, colon).strip(),
                        Long.parseUnsignedLong(line.substring(colon + 1).strip()));
            } catch (RuntimeException e) {
                errors.record(FILE, "pid " + pid + ": bad line: " + line);
            }
        }
        if (!v.containsKey("read_bytes") || !v.containsKey("write_bytes")) {
            errors.record(FILE, "pid " + pid + ": no read_bytes/write_bytes");
            return;
        }
        out.add(new ProcessIo(
                pid,
                comm,
                match,
                v.get("read_bytes"),
                v.get("write_bytes"),
                v.getOrDefault("rchar", 0L),
                v.getOrDefault("wchar", 0L),
                v.getOrDefault("cancelled_write_bytes", 0L)));
    }

    private static List<MetricFamily> families(List<ProcessIo> tracked, int candidates) {
        var read = counter(
                "aiwatch_process_storage_read_bytes_total",
                "Bytes this process caused to be read from storage (/proc/PID/io read_bytes; mmap faults included).");
        var written = counter(
                "aiwatch_process_storage_written_bytes_total",
                "Bytes this process caused to be written to storage (write_bytes).");
        var rchar = counter(
                "aiwatch_process_read_syscall_bytes_total",
                "Bytes returned by read-like syscalls, page-cache hits included (rchar).");
        var wchar =
                counter("aiwatch_process_write_syscall_bytes_total", "Bytes passed to write-like syscalls (wchar).");
        var cancelled = counter(
                "aiwatch_process_cancelled_write_bytes_total",
                "Bytes of dirty page cache this process truncated before writeback (cancelled_write_bytes).");
        for (ProcessIo p : tracked) {
            Labels l = Labels.of("pid", Long.toString(p.pid()), "comm", p.comm(), "match", p.match());
            read.add(l, DiskCollector.unsigned(p.readBytes()));
            written.add(l, DiskCollector.unsigned(p.writeBytes()));
            rchar.add(l, DiskCollector.unsigned(p.rchar()));
            wchar.add(l, DiskCollector.unsigned(p.wchar()));
            cancelled.add(l, DiskCollector.unsigned(p.cancelledWriteBytes()));
        }
        var candidatesFamily = MetricFamily.builder(
                "aiwatch_process_io_candidates",
                MetricType.GAUGE,
                "Processes that use a GPU or match process_patterns; more than max_processes are not reported.");
        candidatesFamily.add(Labels.EMPTY, candidates);
        return List.of(
                read.build(),
                written.build(),
                rchar.build(),
                wchar.build(),
                cancelled.build(),
                candidatesFamily.build());
    }

    private static MetricFamily.Builder counter(String name, String help) {
        return MetricFamily.builder(name, MetricType.COUNTER, help);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
