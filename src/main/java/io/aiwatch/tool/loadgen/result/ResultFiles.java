package io.aiwatch.tool.loadgen.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/** Writes the result JSON, per-request JSONL/CSV and an HdrHistogram interval log. */
public final class ResultFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {}

    /** vLLM's naming: {label}-{rate}qps[-concurrency{N}]-{model}-{date}.json, model path-safe. */
    /**
     * vLLM's result name: {@code {label}-{rate}qps[-concurrency{N}]-{model}-{date}.json}, with the
     * label defaulting to the backend and the model's last path segment; ramp-up runs are named
     * {@code {label}-ramp-up-{strategy}-{start}qps-{end}qps[...]}.
     */
    public static String defaultName(Map<String, Object> result) {
        String model = String.valueOf(result.get("model_id"));
        model = model.substring(model.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        Object conc = result.get("max_concurrency");
        String concurrency = conc == null ? "" : "-concurrency" + conc;
        Object label = result.get("label") != null ? result.get("label") : result.get("backend");
        Object rate = result.get("request_rate");
        if (result.containsKey("ramp_up_strategy")) {
            return label + "-ramp-up-" + result.get("ramp_up_strategy") + "-" + result.get("ramp_up_start_rps")
                    + "qps-" + result.get("ramp_up_end_rps") + "qps" + concurrency + "-" + model + "-"
                    + result.get("date") + ".json";
        }
        return label + "-" + rate + "qps" + concurrency + "-" + model + "-" + result.get("date") + ".json";
    }

    /** vLLM's --append-result: the JSON on one more line of the file (a newline first when it is not empty). */
    public static void appendJson(Path file, Object value) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            boolean nonEmpty = Files.exists(file) && Files.size(file) > 0;
            String text = (nonEmpty ? "\n" : "") + JSON.writeValueAsString(value);
            Files.writeString(
                    file,
                    text,
                    java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LoadgenException("cannot append to " + file + ": " + e.getMessage());
        }
    }

    public static void writeJson(Path file, Object value) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), value);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LoadgenException("cannot write " + file + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readJson(Path file) {
        try {
            return JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new LoadgenException("cannot read result " + file + ": " + e.getMessage());
        }
    }

    /** One JSON object (or CSV row) per request; times in seconds after t0, latencies in ms. */
    public static void writeRequests(Path file, List<RequestRecord> records) {
        boolean csv = file.toString().endsWith(".csv");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (csv) {
                w.write("position,outcome,due_s,send_s,schedule_lag_ms,ttft_ms,tpot_ms,e2el_ms,prompt_tokens,"
                        + "output_tokens,usage_reported,chunks,error\n");
            }
            for (RequestRecord r : records) {
                if (csv) {
                    w.write(String.format(
                            java.util.Locale.ROOT,
                            "%d,%s,%.6f,%.6f,%.4f,%s,%s,%s,%d,%d,%b,%d,%s%n",
                            r.position(),
                            r.outcome().label(),
                            r.dueNanos() / 1e9,
                            r.sendNanos() / 1e9,
                            r.lagNanos() / 1e6,
                            ms(r.ttftNanos()),
                            ms(r.tpotNanos()),
                            ms(r.e2elNanos()),
                            r.promptTokens(),
                            r.outputTokens(),
                            r.usageReported(),
                            r.itlNanos().length + (r.firstTokenNanos() >= 0 ? 1 : 0),
                            r.error() == null ? "" : '"' + r.error().replace("\"", "'") + '"'));
                } else {
                    Map<String, Object> o = new java.util.LinkedHashMap<>();
                    o.put("position", r.position());
                    o.put("outcome", r.outcome().label());
                    o.put("due_s", r.dueNanos() / 1e9);
                    o.put("send_s", r.sendNanos() / 1e9);
                    o.put("schedule_lag_ms", r.lagNanos() / 1e6);
                    o.put("ttft_ms", r.ttftNanos() < 0 ? null : r.ttftNanos() / 1e6);
                    o.put("tpot_ms", r.tpotNanos() < 0 ? null : r.tpotNanos() / 1e6);
                    o.put("e2el_ms", r.e2elNanos() < 0 ? null : r.e2elNanos() / 1e6);
                    o.put("prompt_tokens", r.promptTokens());
                    o.put("output_tokens", r.outputTokens());
                    o.put("usage_reported", r.usageReported());
                    o.put(
                            "itl_ms",
                            java.util.Arrays.stream(r.itlNanos())
                                    .mapToDouble(g -> g / 1e6)
                                    .toArray());
                    o.put("error", r.error());
                    w.write(new ObjectMapper().writeValueAsString(o));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new LoadgenException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static String ms(double nanos) {
        return nanos < 0 ? "" : String.format(java.util.Locale.ROOT, "%.4f", nanos / 1e6);
    }

    /**
     * An HdrHistogram log (HistogramLogWriter format, values in ns): one interval histogram per
     * metric (tag) and second of completion, readable by HistogramLogProcessor / HdrHistogram tools.
     */
    public static void writeHdrLog(Path file, List<RequestRecord> records, long startEpochMs) {
        java.util.TreeMap<Long, MetricHistograms> perSecond = new java.util.TreeMap<>();
        for (RequestRecord r : records) {
            long end = r.lastTokenNanos() >= 0 ? r.lastTokenNanos() : r.sendNanos();
            perSecond
                    .computeIfAbsent(end / 1_000_000_000L, k -> new MetricHistograms())
                    .add(MetricHistograms.of(List.of(r), true));
        }
        try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter w = new HistogramLogWriter(ps);
            w.outputComment("aiwatch loadgen: values in nanoseconds; tags = metric");
            w.outputLogFormatVersion();
            w.outputStartTime(startEpochMs);
            w.setBaseTime(startEpochMs);
            w.outputLegend();
            for (var e : perSecond.entrySet()) {
                for (String metric : MetricHistograms.METRICS) {
                    Histogram h = e.getValue().get(metric);
                    if (h.getTotalCount() == 0) {
                        continue;
                    }
                    h.setStartTimeStamp(startEpochMs + e.getKey() * 1000);
                    h.setEndTimeStamp(startEpochMs + (e.getKey() + 1) * 1000);
                    h.setTag(metric);
                    w.outputIntervalHistogram(h);
                }
            }
        } catch (IOException e) {
            throw new LoadgenException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
