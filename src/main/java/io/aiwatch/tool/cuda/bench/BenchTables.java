package io.aiwatch.tool.cuda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The Markdown summary of a {@link GpuBench.Report} (what docs/BENCHMARKS.md quotes). */
final class BenchTables {
    private BenchTables() {}

    static String markdown(GpuBench.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "GPU: %s (cc %s, %d SMs), driver CUDA %d, %s%n%n",
                r.gpu().name(),
                r.gpu().computeCapability(),
                r.gpu().multiprocessors(),
                r.gpu().driverVersion(),
                r.date()));
        if (!r.micro().isEmpty()) {
            sb.append(
                    "| benchmark | aiwatch (JCuda) | PyTorch | ratio | target | check |\n|---|---|---|---|---|---|\n");
            for (Measurement m : r.micro()) {
                double t = GpuBench.torchValue(r.torch(), m.name());
                Double ratio = r.ratios().get(m.name());
                Double target = GpuBench.TARGETS.get(m.name());
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s |%n",
                        m.name(),
                        human(m.value(), m.unit()),
                        t > 0 ? human(t, m.unit()) : "-",
                        ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
                        target == null
                                ? "-"
                                : String.format(
                                        Locale.ROOT,
                                        ">= %.2f%s",
                                        target,
                                        ratio == null ? "" : ratio >= target ? " met" : " MISSED"),
                        m.checkPassed() ? "ok" : "FAILED"));
            }
            sb.append('\n');
        }
        if (!r.decode().isEmpty()) {
            sb.append(
                    "| model | batch | context | status | tokens/s | p50 ms | p95 ms | p99 ms | TB/s | TFLOP/s | FLOP/B | path | check |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (DecodeResult d : r.decode()) {
                row(sb, d);
            }
            sb.append('\n');
        }
        if (!r.decodeFixedContext().isEmpty()) {
            sb.append("Fixed context, beside PyTorch (F.linear + SDPA in a CUDA graph):\n\n");
            sb.append(
                    "| model | batch | context | aiwatch tokens/s | PyTorch tokens/s | ratio |\n|---|---|---|---|---|---|\n");
            for (DecodeResult d : r.decodeFixedContext()) {
                double t = 0;
                String ts = "-";
                if (r.torch() != null) {
                    for (JsonNode n : r.torch().path("decode")) {
                        if (n.path("model").asText().equals(d.model())
                                && n.path("batch").asInt() == d.batch()) {
                            t = n.path("tokens_per_s").asDouble(0);
                            ts = t > 0
                                    ? String.format(Locale.ROOT, "%.1f", t)
                                    : n.path("status").asText();
                        }
                    }
                }
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %s | %s | %s |%n",
                        d.model(),
                        d.batch(),
                        d.contextStart(),
                        d.status().equals("ok") ? String.format(Locale.ROOT, "%.1f", d.tokensPerSecond()) : d.status(),
                        ts,
                        t > 0 && d.tokensPerSecond() > 0
                                ? String.format(Locale.ROOT, "%.2f", d.tokensPerSecond() / t)
                                : "-"));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, DecodeResult d) {
        if (!d.status().equals("ok")) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %s: %s | | | | | | | | | |%n",
                    d.model(),
                    d.batch(),
                    d.contextStart(),
                    d.status(),
                    d.detail()));
            return;
        }
        sb.append(String.format(
                Locale.ROOT,
                "| %s | %d | %d-%d | ok | %.1f | %.3f | %.3f | %.3f | %.2f | %.1f | %.1f | %s | %s |%n",
                d.model(),
                d.batch(),
                d.contextStart(),
                d.contextEnd(),
                d.tokensPerSecond(),
                d.stepP50Seconds() * 1e3,
                d.stepP95Seconds() * 1e3,
                d.stepP99Seconds() * 1e3,
                d.bytesPerSecond() / 1e12,
                d.flopsPerSecond() / 1e12,
                d.arithmeticIntensity(),
                d.gemmPath(),
                d.checkPassed() ? "ok" : "FAILED"));
    }

    static String human(double v, String unit) {
        if (unit.equals("B/s")) {
            return v >= 1e12
                    ? String.format(Locale.ROOT, "%.2f TB/s", v / 1e12)
                    : String.format(Locale.ROOT, "%.1f GB/s", v / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f TFLOP/s", v / 1e12);
    }
}
