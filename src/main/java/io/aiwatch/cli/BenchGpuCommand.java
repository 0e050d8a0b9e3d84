package io.aiwatch.cli;

import io.aiwatch.tool.cuda.CudaException;
import io.aiwatch.tool.cuda.bench.GpuBench;
import io.aiwatch.tool.cuda.bench.ModelShape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aiwatch bench gpu}: JCuda microbenchmarks and the decode workload (EXP-001's load). */
@Command(
        name = "gpu",
        mixinStandardHelpOptions = true,
        description = "GPU ceilings (device copy, FP32 FMA, bf16 tensor-core product, pinned and pageable host"
                + " copies) and a transformer-decode workload, each checked against a host computation. With --python,"
                + " PyTorch does the same on the same GPU and the report gives ratios. Needs an NVIDIA driver.")
public final class BenchGpuCommand implements Callable<Integer> {
    @Option(names = "--device", defaultValue = "0", description = "CUDA device ordinal (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--out", defaultValue = "gpu-bench", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-micro", description = "Skip the microbenchmarks.")
    boolean noMicro;

    @Option(
            names = "--models",
            split = ",",
            defaultValue = "1B,8B,14B,32B",
            description = "Model sizes for decode: 1B, 8B, 14B, 32B (default: ${DEFAULT-VALUE}); 'none' skips.")
    List<String> models;

    @Option(
            names = "--batches",
            split = ",",
            defaultValue = "1,16,64,256",
            description = "Decode batch sizes, 1..4096 (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(
            names = "--context",
            defaultValue = "1024",
            description = "Context length at the first step (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(
            names = "--steps",
            defaultValue = "64",
            description = "Timed decode steps per configuration (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--fixed-context", description = "Hold the context length instead of growing it by one per step.")
    boolean fixedContext;

    @Option(names = "--python", description = "Python with PyTorch: run the PyTorch peer and report ratios.")
    String python;

    @Option(
            names = "--compare",
            split = ",",
            defaultValue = "1B:1,8B:1,8B:64,8B:256,32B:1",
            description =
                    "MODEL:BATCH decode configurations compared with PyTorch at fixed context (default: ${DEFAULT-VALUE}).")
    List<String> compare;

    @Option(
            names = "--compare-context",
            defaultValue = "1024",
            description = "Context of the PyTorch comparison (default: ${DEFAULT-VALUE}).")
    int compareContext;

    @Option(
            names = "--repeats",
            defaultValue = "20",
            description = "Timed repetitions per microbenchmark (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--sustain",
            description = "MODEL:BATCH:SECONDS: keep decoding that configuration for SECONDS and report throughput per"
                    + " half second (the thermal/power trajectory; read it beside nvidia-smi or the daemon).")
    String sustain;

    @Option(
            names = "--summary",
            description = "Also write the sustained (else the first) decode configuration's figures as a flat JSON"
                    + " object to this file (the experiment runner's summary.json).")
    Path summary;

    @Option(names = "--seed", description = "Seed of the random inputs (default: from the clock).")
    Long seed;

    /**
     * Runs this command alone ({@code java -cp ... io.aiwatch.cli.BenchGpuCommand ...}): the GPU machine's
     * bundle carries only the classes and libraries this command needs, not the daemon's.
     */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new BenchGpuCommand()).execute(args));
    }

    private String checkSustain() {
        if (sustain == null) {
            return null;
        }
        String[] p = sustain.split(":");
        if (p.length != 3) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--sustain: expected MODEL:BATCH:SECONDS, got '" + sustain + "'");
        }
        ModelShape.named(p[0]);
        Integer.parseInt(p[1]);
        Double.parseDouble(p[2]);
        return sustain;
    }

    @Override
    public Integer call() throws Exception {
        List<ModelShape> shapes = new ArrayList<>();
        for (String m : models) {
            if (!m.equalsIgnoreCase("none")) {
                shapes.add(ModelShape.named(m));
            }
        }
        for (int b : batches) {
            if (b < 1 || b > 4096) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), "--batches: " + b + " is outside 1..4096");
            }
        }
        if (context < 1 || steps < 1 || repeats < 1) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--context, --steps and --repeats must be >= 1");
        }
        List<String> cmp = new ArrayList<>();
        for (String c : compare) {
            if (c.equalsIgnoreCase("none")) {
                continue;
            }
            String[] p = c.split(":");
            if (p.length != 2) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this), "--compare: expected MODEL:BATCH, got '" + c + "'");
            }
            ModelShape.named(p[0]);
            Integer.parseInt(p[1]);
            cmp.add(c);
        }
        GpuBench.Options o = new GpuBench.Options(
                device,
                !noMicro,
                shapes,
                batches,
                context,
                steps,
                3,
                !fixedContext,
                python,
                python == null ? List.of() : cmp,
                compareContext,
                1024,
                256,
                8192,
                1 << 16,
                repeats,
                seed != null ? seed : System.nanoTime(),
                out,
                checkSustain());
        try {
            GpuBench.Report r = GpuBench.run(o, System.out);
            if (summary != null) {
                io.aiwatch.tool.cuda.bench.DecodeResult d = r.sustained() != null
                        ? r.sustained()
                        : r.decode().isEmpty() ? null : r.decode().get(0);
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValue(summary.toFile(), d == null ? java.util.Map.of() : d.summary());
            }
            boolean checks = r.micro().stream().allMatch(m -> m.checkPassed())
                    && r.decode().stream().allMatch(d -> !d.status().equals("ok") || d.checkPassed());
            System.out.println("results in " + out.toAbsolutePath() + (checks ? "" : " -- SOME CHECKS FAILED"));
            return checks ? 0 : 1;
        } catch (CudaException e) {
            System.err.println("aiwatch bench gpu: " + e.getMessage());
            return 2;
        }
    }
}
