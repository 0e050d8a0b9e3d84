package io.aiwatch.reader.exposition;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import java.util.List;

/** A representative mix of families: dcgm-exporter gauges and counters, our counters, a histogram, awkward text. */
final class ExpositionFixtures {
    private ExpositionFixtures() {}

    static Labels gpu(int i) {
        return Labels.of(
                "gpu",
                String.valueOf(i),
                "UUID",
                "GPU-0000000" + i,
                "pci_bus_id",
                "00000000:8D:00." + i,
                "device",
                "nvidia" + i,
                "modelName",
                "NVIDIA H100 80GB HBM3",
                "Hostname",
                "node-1");
    }

    static List<MetricFamily> families() {
        var temp = MetricFamily.builder("DCGM_FI_DEV_GPU_TEMP", MetricType.GAUGE, "GPU temperature (in C).");
        var energy = MetricFamily.builder(
                "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
                MetricType.COUNTER,
                "Total energy consumption since boot (in mJ).");
        var nvlink = MetricFamily.builder(
                "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",
                MetricType.COUNTER,
                "Total number of NVLink bandwidth counters for all lanes.");
        var replay = MetricFamily.builder(
                "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", MetricType.COUNTER, "Total number of PCIe retries.");
        for (int i = 0; i < 2; i++) {
            temp.add(gpu(i), 41 + i);
            energy.add(gpu(i), 123456789012L + i);
            nvlink.add(gpu(i), 0);
            replay.add(gpu(i), 3);
        }
        var scrapes = MetricFamily.builder(
                "aiwatch_http_scrapes_rejected_total",
                MetricType.COUNTER,
                "Scrapes answered 503 because too many were in flight.");
        scrapes.add(Labels.EMPTY, 7);
        var errors = MetricFamily.builder(
                "aiwatch_collector_failures_total",
                MetricType.COUNTER,
                "Help with \"quotes\", a back\\slash and a\nnewline.");
        errors.add(Labels.of("collector", "odd \"name\" \\ with\nnewline"), 2);
        var ratio = MetricFamily.builder("aiwatch_kv_cache_usage_ratio", MetricType.GAUGE, "KV cache in use, 0 to 1.");
        ratio.add(Labels.of("model", "llama-3.1-8b"), 0.4375);
        ratio.add(Labels.of("model", "ünïcode-模型"), Double.NaN);
        var hist = MetricFamily.builder(
                "aiwatch_request_ttft_seconds", MetricType.HISTOGRAM, "Time to first token, in seconds.");
        Labels m = Labels.of("model", "m");
        String[] les = {"0.001", "0.01", "0.1", "1", "10", "100000", "1000000", "+Inf"};
        long[] counts = {0, 2, 5, 9, 10, 10, 10, 10};
        for (int i = 0; i < les.length; i++) {
            hist.addSample("aiwatch_request_ttft_seconds_bucket", m.and("le", les[i]), counts[i]);
        }
        hist.addSample("aiwatch_request_ttft_seconds_sum", m, 3.25);
        hist.addSample("aiwatch_request_ttft_seconds_count", m, 10);
        var untyped = MetricFamily.builder("aiwatch_build_info", MetricType.UNKNOWN, "Build information.");
        untyped.add(Labels.of("version", "0.1.0"), 1);
        return List.of(
                temp.build(),
                energy.build(),
                nvlink.build(),
                replay.build(),
                scrapes.build(),
                errors.build(),
                ratio.build(),
                hist.build(),
                untyped.build());
    }
}
