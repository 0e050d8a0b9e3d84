package io.aiwatch.reader.otlp;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.testing.ManualClock;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A store with known snapshots: two simulated H100s through the real GPU collectors, plus
 * hand-made storage and vLLM families whose values the tests know exactly.
 */
final class OtlpFixtures {
    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    final SnapshotStore store = new SnapshotStore(clock);
    final SimulatedGpuBackend backend = new SimulatedGpuBackend(2, 7, 30, clock, null);
    final GpuCollector fast;
    final GpuCollector costly;
    final GpuCollector slow;

    OtlpFixtures() {
        GpuHealth health = new GpuHealth();
        var settings = new GpuCollector.Settings("Hostname", "node-a", 16);
        var procs = new ProcessIdentity(Path.of("/nonexistent"));
        List<GpuCollector> gpu = GpuCollector.all(
                backend,
                CountersFile.defaults(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                health,
                settings,
                procs);
        fast = gpu.get(0);
        costly = gpu.get(1);
        slow = gpu.get(2);
        for (String name : List.of("gpu", "gpu_costly", "gpu_slow", "storage", "inference", "proxy")) {
            store.register(name, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
        fast.collect();
        costly.collect();
        clock.advance(Duration.ofSeconds(1));
        publishAll(100);
    }

    /** Publishes a fresh snapshot of every collector; {@code tokens} sets the prompt-token counter. */
    void publishAll(double tokens) {
        Instant now = clock.instant();
        store.publish("gpu", fast.collect(), now, 0, 0);
        store.publish("gpu_costly", costly.collect(), now, 0, 0);
        store.publish("gpu_slow", slow.collect(), now, 0, 0);
        store.publish("storage", Snapshot.of(storage()), now, 0, 0);
        store.publish("inference", Snapshot.of(inference(tokens)), now, 0, 0);
        store.publish("proxy", Snapshot.of(proxy()), now, 0, 0);
    }

    /** The measuring proxy's client-side families (names and labels as io.aiwatch.tool.proxy writes them). */
    static List<MetricFamily> proxy() {
        Labels ok = Labels.of("model", "llama-8b", "status", "200");
        Labels limited = Labels.of("model", "llama-8b", "status", "429");
        String e2e = "aiwatch_client_e2e_request_latency_seconds";
        var latency = MetricFamily.builder(e2e, MetricType.HISTOGRAM, "E2E.");
        for (Labels l : List.of(ok, limited)) {
            double n = l == ok ? 10 : 2;
            latency.addSample(
                            e2e + "_bucket",
                            Labels.of("model", "llama-8b", "le", "0.5", "status", l.get("status")),
                            n / 2)
                    .addSample(
                            e2e + "_bucket", Labels.of("model", "llama-8b", "le", "+Inf", "status", l.get("status")), n)
                    .addSample(e2e + "_count", l, n)
                    .addSample(e2e + "_sum", l, n * 0.6);
        }
        String prompt = "aiwatch_client_prompt_tokens";
        var tokens = MetricFamily.builder(prompt, MetricType.HISTOGRAM, "Prompt tokens.")
                .addSample(prompt + "_bucket", Labels.of("model", "llama-8b", "le", "100.0", "status", "200"), 4)
                .addSample(prompt + "_bucket", Labels.of("model", "llama-8b", "le", "+Inf", "status", "200"), 10)
                .addSample(prompt + "_count", ok, 10)
                .addSample(prompt + "_sum", ok, 1500);
        return List.of(
                latency.build(),
                tokens.build(),
                MetricFamily.builder("aiwatch_client_requests_total", MetricType.COUNTER, "Requests.")
                        .add(ok, 10)
                        .add(limited, 2)
                        .build());
    }

    static List<MetricFamily> storage() {
        Labels sda = Labels.of("device", "sda");
        Labels root = Labels.of("device", "/dev/sda1", "mountpoint", "/", "fstype", "ext4");
        return List.of(
                MetricFamily.builder("aiwatch_disk_read_bytes_total", MetricType.COUNTER, "Bytes read.")
                        .add(sda, 4096e3)
                        .build(),
                MetricFamily.builder("aiwatch_disk_written_bytes_total", MetricType.COUNTER, "Bytes written.")
                        .add(sda, 8192e3)
                        .build(),
                MetricFamily.builder("aiwatch_disk_reads_completed_total", MetricType.COUNTER, "Reads.")
                        .add(sda, 1000)
                        .build(),
                MetricFamily.builder("aiwatch_disk_io_time_seconds_total", MetricType.COUNTER, "IO time.")
                        .add(sda, 12.5)
                        .build(),
                MetricFamily.builder("aiwatch_filesystem_size_bytes", MetricType.GAUGE, "Size.")
                        .add(root, 1000e6)
                        .build(),
                MetricFamily.builder("aiwatch_filesystem_free_bytes", MetricType.GAUGE, "Free.")
                        .add(root, 400e6)
                        .build(),
                MetricFamily.builder("aiwatch_filesystem_avail_bytes", MetricType.GAUGE, "Avail.")
                        .add(root, 350e6)
                        .build());
    }

    /** A vLLM TTFT histogram with buckets 0.01, 0.1, 1 and 5 observations; token counters. */
    static List<MetricFamily> inference(double promptTokens) {
        Labels l = Labels.of("target", "llama", "model", "meta-llama/Llama-3.1-8B-Instruct");
        String ttft = "aiwatch_inference_time_to_first_token_seconds";
        var h = MetricFamily.builder(ttft, MetricType.HISTOGRAM, "TTFT.")
                .addSample(ttft + "_bucket", l.and("le", "0.01"), 1)
                .addSample(ttft + "_bucket", l.and("le", "0.1"), 3)
                .addSample(ttft + "_bucket", l.and("le", "1.0"), 4)
                .addSample(ttft + "_bucket", l.and("le", "+Inf"), 5)
                .addSample(ttft + "_sum", l, 2.75)
                .addSample(ttft + "_count", l, 5);
        return List.of(
                h.build(),
                MetricFamily.builder("aiwatch_inference_prompt_tokens_total", MetricType.COUNTER, "Prompt tokens.")
                        .add(l, promptTokens)
                        .build(),
                MetricFamily.builder("aiwatch_inference_generation_tokens_total", MetricType.COUNTER, "Output tokens.")
                        .add(l, 40)
                        .build(),
                MetricFamily.builder(
                                "aiwatch_inference_time_to_first_token_window_seconds", MetricType.GAUGE, "Quantile.")
                        .add(l.and("quantile", "0.5").and("window", "1m"), 0.05)
                        .build());
    }

    /** The family {@code name} as the store holds it now. */
    MetricFamily family(String name) {
        for (var s : store.states()) {
            for (MetricFamily f : s.last().snapshot().families()) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
        }
        throw new AssertionError("no family " + name);
    }

    // --- reading decoded OTLP ---

    static Map<String, Metric> metrics(ExportMetricsServiceRequest req) {
        Map<String, Metric> out = new LinkedHashMap<>();
        req.getResourceMetricsList()
                .forEach(rm -> rm.getScopeMetricsList()
                        .forEach(sm -> sm.getMetricsList().forEach(m -> {
                            if (out.put(m.getName(), m) != null) {
                                throw new AssertionError("metric " + m.getName() + " sent twice in one request");
                            }
                        })));
        return out;
    }

    static Map<String, Object> attrs(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            AnyValue v = kv.getValue();
            out.put(
                    kv.getKey(),
                    switch (v.getValueCase()) {
                        case INT_VALUE -> v.getIntValue();
                        case DOUBLE_VALUE -> v.getDoubleValue();
                        case BOOL_VALUE -> v.getBoolValue();
                        default -> v.getStringValue();
                    });
        }
        return out;
    }

    static List<String> names(ExportMetricsServiceRequest req) {
        return new ArrayList<>(metrics(req).keySet());
    }
}
