package io.aiwatch.tool.loadbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On the GPU machine ({@code -Dgroups=gpu}): every read method delivers the synthetic model to GPU
 * memory through pinned double-buffered uploads, byte-exact at the sampled words, and the pinned
 * host-to-device rate is measured beside it.
 */
@Tag("gpu")
class GpuDestinationGpuTest {
    private static final long SEED = 9;
    private static ScratchDir scratch;
    private static Path file;
    private static SafetensorsHeader header;
    private static GpuDestination gpu;

    @BeforeAll
    static void setUp() throws Exception {
        scratch = new ScratchDir();
        file = scratch.path.resolve("model.safetensors");
        header = SyntheticModel.write(file, (256L << 20) + 3 * 4096 + 40, SEED);
        gpu = new GpuDestination(0);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (gpu != null) {
            gpu.close();
        }
        scratch.close();
    }

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({"BUFFERED, 1", "BUFFERED, 4", "DIRECT, 1", "DIRECT, 4", "MMAP, 1", "MMAP, 4"})
    void everyMethodDeliversTheModelToTheGpu(ReadMethod method, int readers) throws Exception {
        new PageCache().drop(file, PageCache.DropMethod.FADVISE);
        ModelLoader.Timing t = ModelLoader.load(file, header, method, readers, 4 << 20, gpu);
        assertThat(t.bytes()).isEqualTo(header.fileBytes() - t.start());
        assertThat(gpu.verify(SEED, header.dataStart(), header.fileBytes(), 7)).isEqualTo(-1);
        double h2d = gpu.figures().get("h2d_pinned_bytes_per_s");
        assertThat(h2d).isGreaterThan(1e9);
        System.out.printf(
                "%s x%d: %.0f MB/s to the GPU, pinned H2D %.0f MB/s, stall %.3f s%n",
                method,
                readers,
                t.bytesPerSecond() / 1e6,
                h2d / 1e6,
                gpu.figures().get("upload_stall_s"));
    }
}
