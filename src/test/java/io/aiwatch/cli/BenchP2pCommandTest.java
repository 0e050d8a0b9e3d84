package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.cuda.bench.P2pBench;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aiwatch bench p2p} refuses clearly where it cannot run: no driver, no GPU, one GPU, bad options. */
class BenchP2pCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(IntSupplier gpus, String... args) {
        BenchP2pCommand c = new BenchP2pCommand();
        if (gpus != null) {
            c.deviceCount = gpus;
        }
        c.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(c);
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAnNvidiaDriverItSaysSoAndExits2() {
        Assumptions.assumeFalse(
                Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/dev/nvidiactl")),
                "an NVIDIA device is present");
        assertThat(run(null)).isEqualTo(2);
        assertThat(err()).startsWith("aiwatch bench p2p: No NVIDIA driver").contains("libcuda.so.1");
    }

    @Test
    void refusesWithNoGpuOrOneGpu() {
        assertThat(run(() -> 0)).isEqualTo(2);
        assertThat(err())
                .isEqualTo("aiwatch bench p2p: peer-to-peer needs at least 2 GPUs; the CUDA driver sees 0 GPUs"
                        + " (check nvidia-smi and CUDA_VISIBLE_DEVICES)." + System.lineSeparator());
        err.reset();
        assertThat(run(() -> 1)).isEqualTo(2);
        assertThat(err()).contains("needs at least 2 GPUs; the CUDA driver sees 1 GPU (");
        assertThat(P2pBench.refusal(2)).isNull();
    }

    @Test
    void refusesGpusItDoesNotHaveOrTheSameGpuTwice() {
        assertThat(run(() -> 2, "--gpus", "0,2")).isEqualTo(2);
        assertThat(err()).contains("--gpus: no GPU 2; the CUDA driver sees 2");
        err.reset();
        assertThat(run(() -> 8, "--gpus", "3,3")).isEqualTo(2);
        assertThat(err()).contains("at least 2 distinct GPUs in --gpus, got [3, 3]");
        err.reset();
        assertThat(run(() -> 8, "--gpus", "5")).isEqualTo(2);
        assertThat(err()).contains("needs at least 2 GPUs");
    }

    @Test
    void rejectsSizesOutsideTheRange() {
        assertThat(run(() -> 8, "--size-mib", "4096")).isEqualTo(2);
        assertThat(err()).contains("--size-mib: 4096 is outside 1..2047");
    }

    @Test
    void nothingInTheCudaToolCreatesAMulticastObject() throws Exception {
        // cuMulticastCreate can take a host's GPUs out of service (issue #21): the package must never call it
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/aiwatch/tool/cuda"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")))
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(Files.readString(f)).doesNotContain("cuMulticast"));
        }
    }
}
