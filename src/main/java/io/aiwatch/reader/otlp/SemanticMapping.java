package io.aiwatch.reader.otlp;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.reader.otlp.Rule.Domain;
import io.aiwatch.reader.otlp.Rule.Kind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus family name to OpenTelemetry metric: GPU families to the hardware conventions
 * ({@code hw.*}), vLLM latency to the GenAI server conventions ({@code gen_ai.server.*}), disks and
 * filesystems to the system conventions ({@code system.disk.*}, {@code system.filesystem.*}),
 * everything without a convention under {@code aiwatch.*}. docs/OTLP.md lists the table;
 * {@code OtlpMappingDocTest} keeps the two in step.
 *
 * <p>Families not in the table still go out: {@code aiwatch_x_y_<unit>[_total]} as
 * {@code aiwatch.x.y} with the unit from the suffix, other DCGM fields as {@code aiwatch.dcgm.<field>}.
 * Summaries and the inference {@code *_window_seconds} quantile gauges are not exported (OTLP
 * consumers compute quantiles from the histograms).
 */
final class SemanticMapping {
    private static final double MIB = 1024.0 * 1024.0;
    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    /**
     * Families read only by {@link DerivedMetrics}: filesystem free/avail become system.filesystem.usage
     * states, aiwatch_gpu_up becomes hw.status.
     */
    static final Set<String> FOLDED =
            Set.of("aiwatch_filesystem_free_bytes", "aiwatch_filesystem_avail_bytes", "aiwatch_gpu_up");

    static {
        // GPU: OpenTelemetry hardware conventions; hw.id = UUID, hw.type = gpu.
        gpu("DCGM_FI_DEV_GPU_UTIL", "hw.gpu.utilization", "1", Kind.GAUGE, false, 0.01, "hw.gpu.task", "general");
        gpu("DCGM_FI_DEV_ENC_UTIL", "hw.gpu.utilization", "1", Kind.GAUGE, false, 0.01, "hw.gpu.task", "encoder");
        gpu("DCGM_FI_DEV_DEC_UTIL", "hw.gpu.utilization", "1", Kind.GAUGE, false, 0.01, "hw.gpu.task", "decoder");
        gpu("DCGM_FI_DEV_FB_USED", "hw.gpu.memory.usage", "By", Kind.UP_DOWN, true, MIB);
        gpu("DCGM_FI_DEV_FB_FREE", "aiwatch.gpu.memory.free", "By", Kind.UP_DOWN, true, MIB);
        gpu("DCGM_FI_DEV_FB_RESERVED", "aiwatch.gpu.memory.reserved", "By", Kind.UP_DOWN, true, MIB);
        gpu("DCGM_FI_DEV_MEM_COPY_UTIL", "aiwatch.gpu.memory_copy.utilization", "1", Kind.GAUGE, false, 0.01);
        gpu("DCGM_FI_DEV_POWER_USAGE", "hw.power", "W", Kind.GAUGE, false, 1);
        gpu("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "hw.energy", "J", Kind.COUNTER, false, 0.001);
        gpu("DCGM_FI_DEV_GPU_TEMP", "hw.temperature", "Cel", Kind.GAUGE, false, 1, "hw.sensor_location", "gpu");
        gpu("DCGM_FI_DEV_MEMORY_TEMP", "hw.temperature", "Cel", Kind.GAUGE, false, 1, "hw.sensor_location", "memory");
        gpu(
                "aiwatch_gpu_slowdown_temperature_celsius",
                "hw.temperature.limit",
                "Cel",
                Kind.GAUGE,
                false,
                1,
                "hw.sensor_location",
                "gpu",
                "hw.limit_type",
                "high.degraded");
        gpu(
                "aiwatch_gpu_shutdown_temperature_celsius",
                "hw.temperature.limit",
                "Cel",
                Kind.GAUGE,
                false,
                1,
                "hw.sensor_location",
                "gpu",
                "hw.limit_type",
                "high.critical");
        gpu(
                "aiwatch_gpu_memory_max_temperature_celsius",
                "hw.temperature.limit",
                "Cel",
                Kind.GAUGE,
                false,
                1,
                "hw.sensor_location",
                "memory",
                "hw.limit_type",
                "high.degraded");
        gpu("aiwatch_gpu_power_limit_watts", "aiwatch.gpu.power.limit", "W", Kind.GAUGE, false, 1);
        gpu(
                "DCGM_FI_DEV_SM_CLOCK",
                "aiwatch.gpu.clock.frequency",
                "Hz",
                Kind.GAUGE,
                false,
                1e6,
                "aiwatch.gpu.clock.domain",
                "sm");
        gpu(
                "DCGM_FI_DEV_MEM_CLOCK",
                "aiwatch.gpu.clock.frequency",
                "Hz",
                Kind.GAUGE,
                false,
                1e6,
                "aiwatch.gpu.clock.domain",
                "memory");
        gpu("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "aiwatch.gpu.pcie.replays", "{replay}", Kind.COUNTER, true, 1);
        gpu("DCGM_FI_DEV_XID_ERRORS", "aiwatch.gpu.xid.last", "1", Kind.GAUGE, true, 1);
        gpu("aiwatch_gpu_xid_errors_total", "aiwatch.gpu.xid.errors", "{error}", Kind.COUNTER, true, 1);
        gpu("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", "aiwatch.gpu.nvlink.io", "By", Kind.COUNTER, true, 1024);
        gpu(
                "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
                "aiwatch.gpu.memory.remapped_rows",
                "{row}",
                Kind.COUNTER,
                true,
                1,
                "error.type",
                "uncorrected");
        gpu(
                "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS",
                "aiwatch.gpu.memory.remapped_rows",
                "{row}",
                Kind.COUNTER,
                true,
                1,
                "error.type",
                "corrected");
        gpu("DCGM_FI_DEV_ROW_REMAP_FAILURE", "aiwatch.gpu.memory.row_remap.failed", "1", Kind.GAUGE, true, 1);
        gpu(
                "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
                "aiwatch.gpu.engine.activity",
                "1",
                Kind.GAUGE,
                false,
                1,
                "aiwatch.gpu.engine",
                "graphics");
        gpu(
                "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
                "aiwatch.gpu.engine.activity",
                "1",
                Kind.GAUGE,
                false,
                1,
                "aiwatch.gpu.engine",
                "tensor");
        gpu(
                "DCGM_FI_PROF_DRAM_ACTIVE",
                "aiwatch.gpu.engine.activity",
                "1",
                Kind.GAUGE,
                false,
                1,
                "aiwatch.gpu.engine",
                "dram");
        gpu(
                "DCGM_FI_PROF_PCIE_TX_BYTES",
                "aiwatch.gpu.pcie.io.rate",
                "By/s",
                Kind.GAUGE,
                false,
                1,
                "network.io.direction",
                "transmit");
        gpu(
                "DCGM_FI_PROF_PCIE_RX_BYTES",
                "aiwatch.gpu.pcie.io.rate",
                "By/s",
                Kind.GAUGE,
                false,
                1,
                "network.io.direction",
                "receive");
        gpu("aiwatch_gpu_clock_event_active", "aiwatch.gpu.clock_event.active", "1", Kind.GAUGE, true, 1);
        gpu("aiwatch_gpu_process_memory_bytes", "aiwatch.gpu.process.memory.usage", "By", Kind.UP_DOWN, true, 1);
        gpu("aiwatch_gpu_library_errors_total", "aiwatch.gpu.library.errors", "{error}", Kind.COUNTER, true, 1);
        gpu("aiwatch_gpu_late_reads_total", "aiwatch.gpu.late_reads", "{read}", Kind.COUNTER, true, 1);

        // Storage: system conventions where they exist.
        disk("reads_completed", "system.disk.operations", "{operation}", true, "read");
        disk("writes_completed", "system.disk.operations", "{operation}", true, "write");
        disk("reads_merged", "system.disk.merged", "{operation}", true, "read");
        disk("writes_merged", "system.disk.merged", "{operation}", true, "write");
        disk("read_bytes", "system.disk.io", "By", true, "read");
        disk("written_bytes", "system.disk.io", "By", true, "write");
        disk("read_time_seconds", "system.disk.operation_time", "s", false, "read");
        disk("write_time_seconds", "system.disk.operation_time", "s", false, "write");
        disk("io_time_seconds", "system.disk.io_time", "s", false, null);
        disk("io_time_weighted_seconds", "aiwatch.disk.io_time.weighted", "s", false, null);
        disk("discards_completed", "aiwatch.disk.discard.operations", "{operation}", true, null);
        disk("discards_merged", "aiwatch.disk.discard.merged", "{operation}", true, null);
        disk("discarded_bytes", "aiwatch.disk.discard.io", "By", true, null);
        disk("discard_time_seconds", "aiwatch.disk.discard.operation_time", "s", false, null);
        disk("flushes_completed", "aiwatch.disk.flush.operations", "{operation}", true, null);
        disk("flush_time_seconds", "aiwatch.disk.flush.operation_time", "s", false, null);
        storage("aiwatch_disk_io_now", "aiwatch.disk.io.in_flight", "{operation}", Kind.UP_DOWN, true);
        storage("aiwatch_disk_info", "aiwatch.disk.info", "1", Kind.GAUGE, true);
        storage("aiwatch_filesystem_size_bytes", "system.filesystem.limit", "By", Kind.UP_DOWN, true);
        storage("aiwatch_filesystem_files", "aiwatch.filesystem.inodes.limit", "{inode}", Kind.UP_DOWN, true);
        storage("aiwatch_filesystem_files_free", "aiwatch.filesystem.inodes.free", "{inode}", Kind.UP_DOWN, true);
        storage("aiwatch_filesystem_readonly", "aiwatch.filesystem.readonly", "1", Kind.GAUGE, true);
        storage("aiwatch_filesystem_device_error", "aiwatch.filesystem.device_error", "1", Kind.GAUGE, true);
        storage("aiwatch_filesystem_stat_timeout", "aiwatch.filesystem.stat_timeout", "1", Kind.GAUGE, true);
        storage(
                "aiwatch_filesystem_stat_timeouts_total",
                "aiwatch.filesystem.stat_timeouts",
                "{timeout}",
                Kind.COUNTER,
                true);
        storage(
                "aiwatch_process_storage_read_bytes_total",
                "process.disk.io",
                "By",
                Kind.COUNTER,
                true,
                "disk.io.direction",
                "read");
        storage(
                "aiwatch_process_storage_written_bytes_total",
                "process.disk.io",
                "By",
                Kind.COUNTER,
                true,
                "disk.io.direction",
                "write");
        storage(
                "aiwatch_process_read_syscall_bytes_total",
                "aiwatch.process.io.syscall",
                "By",
                Kind.COUNTER,
                true,
                "disk.io.direction",
                "read");
        storage(
                "aiwatch_process_write_syscall_bytes_total",
                "aiwatch.process.io.syscall",
                "By",
                Kind.COUNTER,
                true,
                "disk.io.direction",
                "write");
        storage(
                "aiwatch_process_cancelled_write_bytes_total",
                "aiwatch.process.disk.cancelled_write",
                "By",
                Kind.COUNTER,
                true);
        storage("aiwatch_process_io_candidates", "aiwatch.process.io.candidates", "{process}", Kind.UP_DOWN, true);

        // Inference: GenAI server conventions for vLLM's latency histograms (vLLM's own buckets).
        inference(
                "aiwatch_inference_time_to_first_token_seconds",
                "gen_ai.server.time_to_first_token",
                "s",
                Kind.HISTOGRAM,
                false);
        inference(
                "aiwatch_inference_inter_token_latency_seconds",
                "gen_ai.server.time_per_output_token",
                "s",
                Kind.HISTOGRAM,
                false);
        inference(
                "aiwatch_inference_e2e_request_latency_seconds",
                "gen_ai.server.request.duration",
                "s",
                Kind.HISTOGRAM,
                false);
        inference(
                "aiwatch_inference_queue_time_seconds", "aiwatch.inference.queue.duration", "s", Kind.HISTOGRAM, false);
        inference(
                "aiwatch_inference_requests_running",
                "aiwatch.inference.requests.running",
                "{request}",
                Kind.UP_DOWN,
                true);
        inference(
                "aiwatch_inference_requests_waiting",
                "aiwatch.inference.requests.waiting",
                "{request}",
                Kind.UP_DOWN,
                true);
        inference(
                "aiwatch_inference_kv_cache_usage_ratio",
                "aiwatch.inference.kv_cache.utilization",
                "1",
                Kind.GAUGE,
                false);
        inference(
                "aiwatch_inference_prompt_tokens_total",
                "aiwatch.inference.tokens",
                "{token}",
                Kind.COUNTER,
                true,
                "gen_ai.token.type",
                "input");
        inference(
                "aiwatch_inference_generation_tokens_total",
                "aiwatch.inference.tokens",
                "{token}",
                Kind.COUNTER,
                true,
                "gen_ai.token.type",
                "output");
        inference(
                "aiwatch_inference_preemptions_total",
                "aiwatch.inference.preemptions",
                "{preemption}",
                Kind.COUNTER,
                true);
        inference(
                "aiwatch_inference_requests_finished_total",
                "aiwatch.inference.requests.finished",
                "{request}",
                Kind.COUNTER,
                true);
        inference(
                "aiwatch_inference_prefix_cache_queries_total",
                "aiwatch.inference.prefix_cache.queries",
                "{token}",
                Kind.COUNTER,
                true);
        inference(
                "aiwatch_inference_prefix_cache_hits_total",
                "aiwatch.inference.prefix_cache.hits",
                "{token}",
                Kind.COUNTER,
                true);

        // The measuring proxy (client side of the same requests): GenAI client conventions.
        client(
                "aiwatch_client_e2e_request_latency_seconds",
                "gen_ai.client.operation.duration",
                "s",
                Kind.HISTOGRAM,
                false);
        client(
                "aiwatch_client_time_to_first_token_seconds",
                "gen_ai.client.operation.time_to_first_chunk",
                "s",
                Kind.HISTOGRAM,
                false);
        client(
                "aiwatch_client_inter_token_latency_seconds",
                "gen_ai.client.operation.time_per_output_chunk",
                "s",
                Kind.HISTOGRAM,
                false);
        client(
                "aiwatch_client_time_per_output_token_seconds",
                "aiwatch.client.time_per_output_token",
                "s",
                Kind.HISTOGRAM,
                false);
        client(
                "aiwatch_client_prompt_tokens",
                "gen_ai.client.token.usage",
                "{token}",
                Kind.HISTOGRAM,
                false,
                "gen_ai.token.type",
                "input");
        client(
                "aiwatch_client_generation_tokens",
                "gen_ai.client.token.usage",
                "{token}",
                Kind.HISTOGRAM,
                false,
                "gen_ai.token.type",
                "output");
        client("aiwatch_client_requests_total", "aiwatch.client.requests", "{request}", Kind.COUNTER, true);
        client(
                "aiwatch_client_in_flight_requests",
                "aiwatch.client.requests.in_flight",
                "{request}",
                Kind.UP_DOWN,
                true);
        client("aiwatch_client_upstream_errors_total", "aiwatch.client.upstream.errors", "{error}", Kind.COUNTER, true);
        client("aiwatch_proxy_forward_seconds", "aiwatch.proxy.forward.duration", "s", Kind.HISTOGRAM, false);
        client(
                "aiwatch_proxy_request_forward_seconds",
                "aiwatch.proxy.request_forward.duration",
                "s",
                Kind.HISTOGRAM,
                false);

        // The daemon's own collectors.
        self("aiwatch_collector_up", "aiwatch.collector.up", "1", Kind.GAUGE, true);
        self("aiwatch_collector_snapshot_age_seconds", "aiwatch.collector.snapshot.age", "s", Kind.GAUGE, false);
        self("aiwatch_collector_duration_seconds", "aiwatch.collector.duration", "s", Kind.GAUGE, false);
        self("aiwatch_collector_runs_total", "aiwatch.collector.runs", "{run}", Kind.COUNTER, true);
        self("aiwatch_collector_failures_total", "aiwatch.collector.failures", "{run}", Kind.COUNTER, true);
        self("aiwatch_collector_cpu_seconds_total", "aiwatch.collector.cpu.time", "s", Kind.COUNTER, false);
        self(
                "aiwatch_collector_last_success_timestamp_seconds",
                "aiwatch.collector.last_success.timestamp",
                "s",
                Kind.GAUGE,
                false);
    }

    /** Descriptions of the convention metrics, as the conventions word them; other metrics use the family's help. */
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("hw.gpu.utilization", "Fraction of time spent in a specific task."),
            Map.entry("hw.gpu.memory.usage", "GPU memory used."),
            Map.entry("hw.gpu.memory.limit", "Size of the GPU memory."),
            Map.entry("hw.gpu.memory.utilization", "Fraction of GPU memory used."),
            Map.entry("hw.power", "Instantaneous power consumed by the component."),
            Map.entry("hw.energy", "Energy consumed by the component."),
            Map.entry("hw.temperature", "Temperature in degrees Celsius."),
            Map.entry("hw.temperature.limit", "Temperature limit in degrees Celsius."),
            Map.entry("hw.status", "Operational status: 1 (true) or 0 (false) for each of the possible states."),
            Map.entry("system.disk.io", "Disk bytes transferred."),
            Map.entry("system.disk.operations", "Disk operations count."),
            Map.entry("system.disk.io_time", "Time disk spent activated."),
            Map.entry("system.disk.operation_time", "Sum of the time each operation took to complete."),
            Map.entry("system.disk.merged", "Adjacent operations merged by the block layer."),
            Map.entry("system.filesystem.usage", "Reports a filesystem's space usage across different states."),
            Map.entry("system.filesystem.limit", "The total storage capacity of the filesystem."),
            Map.entry("system.filesystem.utilization", "Fraction of the filesystem's space used."),
            Map.entry("process.disk.io", "Disk bytes transferred."),
            Map.entry("gen_ai.server.time_to_first_token", "Time to generate first token for successful responses."),
            Map.entry(
                    "gen_ai.server.time_per_output_token",
                    "Time per output token generated after the first token for successful responses."),
            Map.entry(
                    "gen_ai.server.request.duration",
                    "Generative AI server request duration such as time-to-last byte or last output token."),
            Map.entry("gen_ai.client.operation.duration", "GenAI operation duration."),
            Map.entry("gen_ai.client.token.usage", "Number of input and output tokens used."),
            Map.entry(
                    "gen_ai.client.operation.time_to_first_chunk",
                    "Time to receive the first chunk of a streamed response."),
            Map.entry(
                    "gen_ai.client.operation.time_per_output_chunk",
                    "Time between consecutive chunks of a streamed response."));

    private SemanticMapping() {}

    /** The OTel description for a rule's metric; the family's help when no convention text applies. */
    static String description(Rule rule, String help) {
        String d = DESCRIPTIONS.get(rule.name());
        return d != null ? d : !rule.description().isEmpty() ? rule.description() : help;
    }

    /** The explicit table, in documentation order. */
    static Map<String, Rule> table() {
        return Collections.unmodifiableMap(RULES);
    }

    /** The rule for a family, or null when it is not exported. */
    static Rule ruleFor(MetricFamily family) {
        Rule r = RULES.get(family.name());
        if (r != null) {
            return r;
        }
        String name = family.name();
        if (family.type() == MetricType.SUMMARY
                || FOLDED.contains(name)
                || name.startsWith("aiwatch_inference_") && name.endsWith("_window_seconds")) {
            return null;
        }
        Kind kind = switch (family.type()) {
            case COUNTER -> Kind.COUNTER;
            case HISTOGRAM -> Kind.HISTOGRAM;
            default -> Kind.GAUGE;
        };
        if (name.startsWith("DCGM_FI_")) {
            return new Rule(
                    "aiwatch.dcgm." + name.substring(8).toLowerCase(java.util.Locale.ROOT),
                    "1",
                    kind,
                    false,
                    1,
                    Domain.GPU,
                    Map.of(),
                    family.help());
        }
        return generic(name, kind, family.help());
    }

    /** {@code aiwatch_http_auth_failures_total} to {@code aiwatch.http.auth_failures}, unit from the suffix. */
    static Rule generic(String name, Kind kind, String help) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        String unit = "1";
        for (String[] suffix : new String[][] {
            {"_seconds", "s"}, {"_bytes", "By"}, {"_ratio", "1"}, {"_celsius", "Cel"}, {"_watts", "W"}
        }) {
            if (base.endsWith(suffix[0])) {
                base = base.substring(0, base.length() - suffix[0].length());
                unit = suffix[1];
                break;
            }
        }
        Domain domain = Domain.SELF;
        if (base.startsWith("aiwatch_")) {
            String rest = base.substring(8);
            domain = rest.startsWith("gpu_")
                    ? Domain.GPU
                    : rest.startsWith("client_") || rest.startsWith("proxy_")
                            ? Domain.CLIENT
                            : rest.startsWith("inference_")
                                    ? Domain.INFERENCE
                                    : rest.startsWith("disk_")
                                                    || rest.startsWith("filesystem_")
                                                    || rest.startsWith("process_")
                                                    || rest.startsWith("zfs_")
                                                    || rest.startsWith("storage_")
                                            ? Domain.STORAGE
                                            : Domain.SELF;
            base = "aiwatch." + rest.replaceFirst("_", ".");
        }
        return new Rule(base, unit, kind, false, 1, domain, Map.of(), help);
    }

    private static void gpu(
            String family, String name, String unit, Kind kind, boolean integer, double scale, String... fixed) {
        put(family, new Rule(name, unit, kind, integer, scale, Domain.GPU, pairs(fixed), ""));
    }

    private static void disk(String field, String name, String unit, boolean integer, String direction) {
        String family = "aiwatch_disk_" + field + "_total";
        Map<String, String> fixed = direction == null ? Map.of() : Map.of("disk.io.direction", direction);
        put(family, new Rule(name, unit, Kind.COUNTER, integer, 1, Domain.STORAGE, fixed, ""));
    }

    private static void storage(String family, String name, String unit, Kind kind, boolean integer, String... fixed) {
        put(family, new Rule(name, unit, kind, integer, 1, Domain.STORAGE, pairs(fixed), ""));
    }

    private static void inference(
            String family, String name, String unit, Kind kind, boolean integer, String... fixed) {
        put(family, new Rule(name, unit, kind, integer, 1, Domain.INFERENCE, pairs(fixed), ""));
    }

    private static void client(String family, String name, String unit, Kind kind, boolean integer, String... fixed) {
        put(family, new Rule(name, unit, kind, integer, 1, Domain.CLIENT, pairs(fixed), ""));
    }

    private static void self(String family, String name, String unit, Kind kind, boolean integer) {
        put(family, new Rule(name, unit, kind, integer, 1, Domain.SELF, Map.of(), ""));
    }

    private static void put(String family, Rule rule) {
        if (RULES.put(family, rule) != null) {
            throw new IllegalStateException("two rules for " + family);
        }
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Map.copyOf(m);
    }
}
