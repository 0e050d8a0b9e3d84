package io.aiwatch.tool.cuda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.aiwatch.tool.cuda.CudaContext;
import io.aiwatch.tool.cuda.GpuInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole GPU baseline of {@code aiwatch bench gpu}: microbenchmarks, decode configurations, and
 * optionally PyTorch doing the same on the same GPU, with ratios against the targets (copy, FMA and
 * pinned copies at least 90 % of PyTorch; the tensor-core product at least 50 %). Writes
 * {@code gpu-bench.json}, {@code gpu-bench.md} and {@code roofline.svg} into the output folder.
 */
public final class GpuBench {
    /** Targets: our figure / PyTorch's figure must reach these. */
    public static final Map<String, Double> TARGETS =
            Map.of("d2d_copy", 0.9, "fp32_fma", 0.9, "h2d_pinned", 0.9, "d2h_pinned", 0.9, "bf16_matmul", 0.5);

    /**
     * @param python interpreter with torch for the peer, or null to skip PyTorch
     * @param compareContext context of the fixed-context decode runs compared with PyTorch
     * @param compare "MODEL:BATCH" configurations to compare with PyTorch
     */
    public record Options(
            int device,
            boolean micro,
            List<ModelShape> models,
            List<Integer> batches,
            int context,
            int steps,
            int warmupSteps,
            boolean growContext,
            String python,
            List<String> compare,
            int compareContext,
            int copyMiB,
            int hostCopyMiB,
            int matmulN,
            int fmaIters,
            int repeats,
            long seed,
            Path outDir,
            String sustain) {}

    /** What a run produced (also the JSON document). */
    public record Report(
            String date,
            GpuInfo gpu,
            List<Measurement> micro,
            List<DecodeResult> decode,
            List<DecodeResult> decodeFixedContext,
            JsonNode torch,
            Map<String, Double> ratios,
            Map<String, Object> roofline,
            DecodeResult sustained) {}

    private GpuBench() {}

    public static Report run(Options o, PrintStream log) throws IOException, InterruptedException {
        Files.createDirectories(o.outDir());
        List<Measurement> micro = new ArrayList<>();
        List<DecodeResult> decode = new ArrayList<>();
        List<DecodeResult> fixed = new ArrayList<>();
        GpuInfo info;
        DecodeResult sustained = null;
        try (CudaContext ctx = CudaContext.open(o.device())) {
            info = ctx.info();
            log.printf(
                    Locale.ROOT,
                    "GPU %d: %s, cc %s, %d SMs, %.1f GiB, driver %d, PTX %s%n",
                    info.ordinal(),
                    info.name(),
                    info.computeCapability(),
                    info.multiprocessors(),
                    info.totalMemoryBytes() / 1073741824.0,
                    info.driverVersion(),
                    ctx.kernels().ptxName());
            if (o.micro()) {
                MicroBench mb = new MicroBench(ctx, o.seed());
                micro.add(logged(log, mb.copy((long) o.copyMiB() << 20, o.repeats())));
                micro.add(logged(log, mb.fma(o.fmaIters(), o.repeats())));
                for (Measurement m : mb.matmul(o.matmulN(), o.repeats())) {
                    micro.add(logged(log, m));
                }
                for (Measurement m : mb.hostCopies(o.hostCopyMiB() << 20, o.repeats())) {
                    micro.add(logged(log, m));
                }
            }
            for (ModelShape m : o.models()) {
                for (int b : o.batches()) {
                    DecodeResult r = new DecodeWorkload(
                                    ctx, m, b, o.context(), o.steps(), o.warmupSteps(), o.growContext(), o.seed() + b)
                            .run();
                    decode.add(logged(log, r));
                }
            }
            if (o.sustain() != null) {
                String[] p = o.sustain().split(":");
                log.println("sustained decode " + o.sustain() + " ...");
                sustained = logged(
                        log,
                        new DecodeWorkload(
                                        ctx,
                                        ModelShape.named(p[0]),
                                        Integer.parseInt(p[1]),
                                        o.context(),
                                        o.steps(),
                                        o.warmupSteps(),
                                        false,
                                        o.seed())
                                .sustainFor(Double.parseDouble(p[2]))
                                .run());
                for (DecodeResult.SustainPoint sp : sustained.sustain()) {
                    log.printf(
                            Locale.ROOT,
                            "%s   sustain t=%6.1f s %10.1f tok/s step %.3f ms%n",
                            clock(),
                            sp.atSeconds(),
                            sp.tokensPerSecond(),
                            sp.stepMeanSeconds() * 1e3);
                }
            }
            for (String spec : o.compare()) {
                String[] p = spec.split(":");
                DecodeResult r = new DecodeWorkload(
                                ctx,
                                ModelShape.named(p[0]),
                                Integer.parseInt(p[1]),
                                o.compareContext(),
                                o.steps(),
                                o.warmupSteps(),
                                false,
                                o.seed())
                        .run();
                fixed.add(logged(log, r));
            }
        }
        JsonNode torch = null;
        if (o.python() != null) {
            List<String> specs = new ArrayList<>();
            for (String spec : o.compare()) {
                specs.add(spec + ":" + o.compareContext());
            }
            log.println("running the PyTorch peer ...");
            torch = TorchPeer.run(
                    o.python(), o.micro(), specs, o.steps(), o.outDir().resolve("torch"), 1200);
        }
        Map<String, Double> ratios = ratios(micro, fixed, torch);
        Map<String, Object> roof = new LinkedHashMap<>();
        double bw = value(micro, "d2d_copy");
        double fl = Math.max(value(micro, "bf16_matmul"), torchValue(torch, "bf16_matmul"));
        if (bw > 0 && fl > 0) {
            Roofline rl = new Roofline(bw, fl);
            roof.put("peak_bytes_per_second", bw);
            roof.put("peak_flops_per_second", fl);
            roof.put("ridge_flop_per_byte", rl.ridge());
            List<DecodeResult> all = new ArrayList<>(decode);
            all.addAll(fixed);
            Map<String, Object> points = new LinkedHashMap<>();
            for (DecodeResult r : all) {
                if ("ok".equals(r.status())) {
                    points.put(
                            r.model() + ":" + r.batch() + ":" + r.contextStart(),
                            Map.of(
                                    "intensity",
                                    r.arithmeticIntensity(),
                                    "bound",
                                    rl.bound(r.arithmeticIntensity()),
                                    "fraction_of_roofline",
                                    rl.fraction(r)));
                }
            }
            roof.put("points", points);
            Files.writeString(o.outDir().resolve("roofline.svg"), rl.svg(all));
        }
        Report report =
                new Report(Instant.now().toString(), info, micro, decode, fixed, torch, ratios, roof, sustained);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(o.outDir().resolve("gpu-bench.json").toFile(), report);
        Files.writeString(o.outDir().resolve("gpu-bench.md"), BenchTables.markdown(report));
        log.print(BenchTables.markdown(report));
        return report;
    }

    static Map<String, Double> ratios(List<Measurement> micro, List<DecodeResult> fixed, JsonNode torch) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (torch == null) {
            return out;
        }
        for (Measurement m : micro) {
            double t = torchValue(torch, m.name());
            if (t > 0) {
                out.put(m.name(), m.value() / t);
            }
        }
        JsonNode dec = torch.path("decode");
        for (DecodeResult r : fixed) {
            for (JsonNode d : dec) {
                if (d.path("model").asText().equals(r.model())
                        && d.path("batch").asInt() == r.batch()
                        && "ok".equals(d.path("status").asText())
                        && "ok".equals(r.status())) {
                    out.put(
                            "decode_" + r.model() + "_b" + r.batch(),
                            r.tokensPerSecond() / d.path("tokens_per_s").asDouble());
                }
            }
        }
        return out;
    }

    static double value(List<Measurement> micro, String name) {
        return micro.stream()
                .filter(m -> m.name().equals(name))
                .mapToDouble(Measurement::value)
                .findFirst()
                .orElse(0);
    }

    /** PyTorch's figure for one of our measurements (every bf16 product variant compares with torch.matmul). */
    static double torchValue(JsonNode torch, String name) {
        String key = name.startsWith("bf16_matmul") ? "bf16_matmul" : name;
        return torch == null ? 0 : torch.path("micro").path(key).path("value").asDouble(0);
    }

    /** UTC time of day, to line the log up with a power/temperature trace. */
    private static String clock() {
        return java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0).toString();
    }

    private static Measurement logged(PrintStream log, Measurement m) {
        log.printf(
                Locale.ROOT,
                "%s %-12s %12.4g %-6s median %.3f ms  check %s%n",
                clock(),
                m.name(),
                m.value(),
                m.unit(),
                m.medianSeconds() * 1e3,
                m.check());
        return m;
    }

    private static DecodeResult logged(PrintStream log, DecodeResult r) {
        log.printf(
                Locale.ROOT,
                "%s decode %-4s b=%-4d ctx %d-%d %-12s %10.1f tok/s p50 %.3f ms p99 %.3f ms %.2f TB/s %s%n",
                clock(),
                r.model(),
                r.batch(),
                r.contextStart(),
                r.contextEnd(),
                r.status(),
                r.tokensPerSecond(),
                r.stepP50Seconds() * 1e3,
                r.stepP99Seconds() * 1e3,
                r.bytesPerSecond() / 1e12,
                r.status().equals("ok") ? r.check() : r.detail());
        return r;
    }
}
