package io.aiwatch.tool.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PTX in the jar must be what nvcc makes of src/main/cuda/aiwatch_kernels.cu: a kernel edited
 * without re-running build-ptx.sh would otherwise ship stale code.
 */
class PackagedPtxTest {

    static String nvcc() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/local/cuda/bin").split(":")) {
            File f = new File(dir, "nvcc");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    @Test
    void packagedPtxIsWhatNvccMakesOfTheSource(@TempDir Path tmp) throws Exception {
        String nvcc = nvcc();
        Assumptions.assumeTrue(
                nvcc != null, "nvcc not found on PATH or in /usr/local/cuda/bin: cannot rebuild the PTX to compare");
        Process p = new ProcessBuilder("bash", "src/main/cuda/build-ptx.sh", tmp.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("build-ptx.sh output: %s", out).isZero();
        for (String arch : new String[] {"80", "90", "90a"}) {
            String name = "aiwatch_kernels.sm_" + arch + ".ptx";
            String built = Files.readString(tmp.resolve(name));
            String packaged = Files.readString(Path.of("src/main/resources/io/aiwatch/tool/cuda", name));
            assertThat(packaged)
                    .as("%s differs from nvcc's output: run src/main/cuda/build-ptx.sh and commit", name)
                    .isEqualTo(built);
            assertThat(built).contains(".target sm_" + arch).contains(".entry gemm_tn_bf16(");
            assertThat(built.contains(".entry gemm_tn_bf16_wgmma(")).isEqualTo(arch.equals("90a"));
        }
    }
}
