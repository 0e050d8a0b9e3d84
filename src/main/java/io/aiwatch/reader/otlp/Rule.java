package io.aiwatch.reader.otlp;

import io.aiwatch.collect.Labels;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;

/**
 * How one Prometheus family becomes points of one OpenTelemetry metric.
 *
 * @param name        OTel metric name
 * @param unit        UCUM unit as OTel writes it ({@code By}, {@code s}, {@code Cel}, {@code 1}, {@code {token}})
 * @param kind        instrument shape on the wire
 * @param integer     points are int64 (counts, bytes) rather than double
 * @param scale       factor from the family's unit to {@link #unit} (MiB to By: 1048576, % to 1: 0.01)
 * @param domain      which label renames apply
 * @param fixed       attributes added to every point (hw.type, the sensor location, the token type...)
 * @param description the OTel description
 */
record Rule(
        String name,
        String unit,
        Kind kind,
        boolean integer,
        double scale,
        Domain domain,
        Map<String, String> fixed,
        String description) {

    /** The wire shape: gauge, monotonic sum, non-monotonic sum, or explicit-bucket histogram; all cumulative. */
    enum Kind {
        GAUGE,
        COUNTER,
        UP_DOWN,
        HISTOGRAM
    }

    /**
     * Label renames by family group. A label not listed keeps its name; one mapped to null is
     * dropped (it is on the resource, or redundant with {@code hw.id}).
     */
    enum Domain {
        GPU(
                Map.ofEntries(
                        Map.entry("UUID", "hw.id"),
                        Map.entry("device", "hw.name"),
                        Map.entry("modelName", "hw.model"),
                        Map.entry("DCGM_FI_DRIVER_VERSION", "hw.driver_version"),
                        Map.entry("gpu", "aiwatch.gpu.index"),
                        Map.entry("pci_bus_id", "aiwatch.gpu.pci_bus_id"),
                        Map.entry("Hostname", ""),
                        Map.entry("reason", "aiwatch.gpu.clock_event.reason"),
                        Map.entry("xid", "aiwatch.gpu.xid"),
                        Map.entry("pid", "process.pid"),
                        Map.entry("command", "process.command"),
                        Map.entry("container_id", "container.id"),
                        Map.entry("function", "aiwatch.nvml.function"),
                        Map.entry("code", "aiwatch.nvml.return_code")),
                Map.of("hw.type", "gpu", "hw.vendor", "NVIDIA")),
        STORAGE(
                Map.of(
                        "device",
                        "system.device",
                        "mountpoint",
                        "system.filesystem.mountpoint",
                        "fstype",
                        "system.filesystem.type",
                        "pid",
                        "process.pid",
                        "comm",
                        "process.executable.name",
                        "match",
                        "aiwatch.process.match",
                        "pool",
                        "aiwatch.zfs.pool",
                        "state",
                        "aiwatch.zfs.pool.state"),
                Map.of()),
        INFERENCE(
                Map.of(
                        "target",
                        "aiwatch.inference.target",
                        "model",
                        "gen_ai.request.model",
                        "engine",
                        "aiwatch.inference.engine",
                        "finished_reason",
                        "aiwatch.inference.finish_reason"),
                Map.of("gen_ai.provider.name", "vllm")),
        /** The measuring proxy's client-side view; a status other than 200 is also the error.type. */
        CLIENT(
                Map.of("model", "gen_ai.request.model", "status", "aiwatch.client.status", "reason", "error.type"),
                Map.of()),
        SELF(Map.of("collector", "aiwatch.collector.name"), Map.of());

        private final Map<String, String> renames;
        private final Map<String, String> fixed;

        Domain(Map<String, String> renames, Map<String, String> fixed) {
            this.renames = renames;
            this.fixed = fixed;
        }

        /** The OTel attribute name for a label, or "" when the label is dropped. */
        String attributeName(String label) {
            return renames.getOrDefault(label, label);
        }
    }

    /**
     * The point attributes for a sample's labels: renamed, empty values left out (Prometheus treats
     * an empty label as absent), {@code le} never copied, {@code process.pid} as an integer.
     */
    Attributes attributes(Labels labels) {
        AttributesBuilder b = Attributes.builder();
        domain.fixed.forEach(b::put);
        fixed.forEach(b::put);
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.name(i);
            String value = labels.value(i);
            String key = domain.attributeName(label);
            if (value.isEmpty() || key.isEmpty() || label.equals("le")) {
                continue;
            }
            if (key.equals("process.pid")) {
                try {
                    b.put(key, Long.parseLong(value));
                } catch (NumberFormatException e) {
                    // the "other" bucket of GPU processes: no pid, process.command says "other"
                }
                continue;
            }
            b.put(key, value);
            if (domain == Domain.CLIENT && label.equals("status") && !value.equals("200")) {
                b.put("error.type", value); // GenAI: conditionally required when the operation failed
            }
        }
        return b.build();
    }
}
