package io.aiwatch.tool.loadbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadbench.DiscardDestination;
import io.aiwatch.tool.loadbench.ModelLoader;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.SafetensorsHeader;
import io.aiwatch.tool.loadbench.ScratchDir;
import io.aiwatch.tool.loadbench.SyntheticModel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * fio (Debian package, required) makes the same reads as the loader: same bytes, same number of
 * reads. Throughput ratios are the benchmark's output, not asserted here (the build machine is shared).
 */
class FioTwinTest {
    private static ScratchDir scratch;
    private static Path file;
    private static SafetensorsHeader header;

    @BeforeAll
    static void writeModel() throws Exception {
        scratch = new ScratchDir();
        file = scratch.path.resolve("model.safetensors");
        header = SyntheticModel.write(file, 16L << 20, 3);
    }

    @AfterAll
    static void clean() throws Exception {
        scratch.close();
    }

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({"BUFFERED, 1", "BUFFERED, 3", "DIRECT, 2", "MMAP, 1"})
    void fioReadsTheSameBytesInTheSameBlocks(ReadMethod method, int readers) throws Exception {
        int block = 1 << 20;
        ModelLoader.Timing t = ModelLoader.load(file, header, method, readers, block, 2, new DiscardDestination());
        ModelLoader.Extent extent = ModelLoader.Extent.of(header, readers, block);
        Fio.Result fio = new Fio().run(FioJob.sequential(file, method, extent, block, 2));
        System.out.printf(
                "%s x%d: aiwatch %.0f MB/s, fio %.0f MB/s%n",
                method, readers, t.bytesPerSecond() / 1e6, fio.bytesPerSecond() / 1e6);
        assertThat(fio.ioBytes()).isEqualTo(t.bytes());
        assertThat(fio.totalIos()).isEqualTo(2L * (header.fileBytes() / block));
    }
}
