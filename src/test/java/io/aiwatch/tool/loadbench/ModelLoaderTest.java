package io.aiwatch.tool.loadbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelLoaderTest {
    private static final long SEED = 7;
    private static ScratchDir scratch;
    private static Path file;
    private static SafetensorsHeader header;

    @BeforeAll
    static void writeModel() throws Exception {
        scratch = new ScratchDir();
        file = scratch.path.resolve("model.safetensors");
        // Not a multiple of the block size, so the last block of the last reader is short.
        header = SyntheticModel.write(file, (24L << 20) + 4096 * 3 + 100, SEED);
    }

    @AfterAll
    static void clean() throws Exception {
        scratch.close();
    }

    @ParameterizedTest(name = "{0} x{1}, {2} B blocks")
    @CsvSource({
        "BUFFERED, 1, 1048576",
        "BUFFERED, 3, 1048576",
        "DIRECT, 1, 1048576",
        "DIRECT, 4, 262144",
        "MMAP, 1, 1048576",
        "MMAP, 3, 65536",
    })
    void deliversEveryTensorByteToItsPlace(ReadMethod method, int readers, int block) throws Exception {
        new PageCache().drop(file, PageCache.DropMethod.FADVISE);
        HostMemoryDestination host = new HostMemoryDestination();
        ModelLoader.Timing t = ModelLoader.load(file, header, method, readers, block, host);
        assertThat(t.start()).isEqualTo(header.dataStart() / block * block);
        assertThat(t.bytes()).isEqualTo(header.fileBytes() - t.start());
        assertThat(host.verify(SEED, header.dataStart())).isEqualTo(-1);
        assertThat(t.nanos()).isPositive();
    }

    @Test
    void verifyFindsAWrongWord() throws Exception {
        HostMemoryDestination host = new HostMemoryDestination();
        ModelLoader.load(file, header, ReadMethod.BUFFERED, 2, 1 << 20, host);
        assertThat(host.verify(SEED + 1, header.dataStart())).isEqualTo(header.dataStart());
    }

    @Test
    void discardCountsTheSameBytes() throws Exception {
        DiscardDestination d = new DiscardDestination();
        ModelLoader.Timing t = ModelLoader.load(file, header, ReadMethod.DIRECT, 2, 1 << 20, d);
        assertThat(t.bytes()).isEqualTo(header.fileBytes() - t.start());
    }

    @Test
    void coldDropLeavesNothingResidentAndAWarmReadBringsItAllBack() throws Exception {
        PageCache cache = new PageCache();
        assertThat(cache.drop(file, PageCache.DropMethod.FADVISE).residentAfter())
                .isZero();
        ModelLoader.load(file, header, ReadMethod.BUFFERED, 1, 1 << 20, new DiscardDestination());
        PageCache.Drop warm = cache.drop(file, PageCache.DropMethod.NONE);
        // Everything from the extent's start on was read through the cache (the header page too).
        assertThat(warm.residentAfter()).isGreaterThanOrEqualTo(header.fileBytes() - header.dataStart());
    }

    @Test
    void directReadsLeaveTheCacheCold() throws Exception {
        PageCache cache = new PageCache();
        cache.drop(file, PageCache.DropMethod.FADVISE);
        ModelLoader.load(file, header, ReadMethod.DIRECT, 2, 1 << 20, new DiscardDestination());
        assertThat(PageCache.residentBytes(file)).isLessThan(64 * 1024);
    }
}
