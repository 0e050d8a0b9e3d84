package io.aiwatch.cli;

import io.aiwatch.tool.cuda.CudaDriver;
import io.aiwatch.tool.cuda.CudaException;
import io.aiwatch.tool.cuda.bench.P2pBench;
import io.aiwatch.tool.cuda.bench.P2pResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aiwatch bench p2p}: peer-to-peer copies between the GPUs of one host (issue #21). */
@Command(
        name = "p2p",
        mixinStandardHelpOptions = true,
        description = "Peer-to-peer copies between every pair of GPUs, both directions: cuMemcpyPeer bandwidth and"
                + " latency, the same through pinned host memory, and all pairs at once; each copy's data checked."
                + " With --python, PyTorch does the same and the report gives ratios. Needs an NVIDIA driver and at"
                + " least 2 GPUs; never uses NVLink multicast.")
public final class BenchP2pCommand implements Callable<Integer> {
    @Option(
            names = "--gpus",
            split = ",",
            description = "CUDA ordinals to use, at least two (default: every GPU the driver sees).")
    List<Integer> gpus;

    @Option(
            names = "--size-mib",
            defaultValue = "256",
            description = "MiB per bandwidth copy, 1..2047 (default: ${DEFAULT-VALUE}).")
    int sizeMib;

    @Option(
            names = "--repeats",
            defaultValue = "10",
            description = "Timed repetitions per figure (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--python", description = "Python with PyTorch: run torch_p2p.py afterwards and report ratios.")
    String python;

    @Option(names = "--out", defaultValue = "p2p-bench", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--summary",
            description = "Also write the flat figures (GB/s, µs, check_passed) as a JSON object to this file (the"
                    + " experiment runner's summary.json).")
    Path summary;

    /** The GPUs the driver sees; a test replaces it. */
    IntSupplier deviceCount = CudaDriver::deviceCount;

    PrintStream err = System.err;

    PrintStream stdout = System.out;

    /** Runs this command alone, like {@link BenchGpuCommand#main}, for the GPU machine's small bundle. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchP2pCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (sizeMib < 1 || sizeMib > 2047) {
            err.println("aiwatch bench p2p: --size-mib: " + sizeMib + " is outside 1..2047");
            return 2;
        }
        if (repeats < 1) {
            err.println("aiwatch bench p2p: --repeats must be >= 1");
            return 2;
        }
        int visible;
        try {
            visible = deviceCount.getAsInt();
        } catch (CudaException e) {
            err.println("aiwatch bench p2p: " + e.getMessage());
            return 2;
        }
        List<Integer> use = gpus != null ? List.copyOf(gpus) : range(visible);
        String refusal = P2pBench.refusal(gpus != null ? Math.min(visible, use.size()) : visible);
        if (refusal == null && use.stream().distinct().count() < 2) {
            refusal = "peer-to-peer needs at least 2 distinct GPUs in --gpus, got " + use;
        }
        for (int g : use) {
            if (refusal == null && (g < 0 || g >= visible)) {
                refusal = "--gpus: no GPU " + g + "; the CUDA driver sees " + visible;
            }
        }
        if (refusal != null) {
            err.println("aiwatch bench p2p: " + refusal);
            return 2;
        }
        try {
            P2pResult r = P2pBench.run(
                    new P2pBench.Options(
                            use.stream().distinct().toList(), (long) sizeMib << 20, repeats, python, out, 1800),
                    stdout);
            if (summary != null) {
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValue(summary.toFile(), io.aiwatch.tool.cuda.bench.P2pReport.summary(r));
            }
            stdout.println("results in " + out.toAbsolutePath() + (r.allChecked() ? "" : " -- SOME CHECKS FAILED"));
            return r.allChecked() ? 0 : 1;
        } catch (CudaException e) {
            err.println("aiwatch bench p2p: " + e.getMessage());
            return 2;
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }
}
