package io.aiwatch.tool.loadbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RandomReadsTest {
    private static ScratchDir scratch;
    private static Path file;

    @BeforeAll
    static void writeFile() throws Exception {
        scratch = new ScratchDir();
        file = scratch.path.resolve("data.safetensors");
        SyntheticModel.write(file, 8L << 20, 5);
    }

    @AfterAll
    static void clean() throws Exception {
        scratch.close();
    }

    @ParameterizedTest(name = "bs {0} qd {1} jobs {2} direct {3}")
    @CsvSource({"4096, 1, 1, true", "4096, 32, 1, true", "65536, 32, 2, true", "4096, 1, 2, false"})
    void makesEveryReadAndTimesEachOne(int bs, int qd, int jobs, boolean direct) throws Exception {
        RandomReads.Case c = new RandomReads.Case(bs, qd, jobs, direct, 300);
        RandomReads.Result r = RandomReads.run(file, c, 8L << 20, 1, 60);
        assertThat(r.ops()).isEqualTo(300L * jobs);
        assertThat(r.latency().getTotalCount()).isEqualTo(r.ops());
        assertThat(r.bytes()).isEqualTo(r.ops() * bs);
        assertThat(r.latencySeconds(50)).isPositive().isLessThanOrEqualTo(r.latencySeconds(99));
    }

    @Test
    void stopsSubmittingAtTheTimeLimit() throws Exception {
        RandomReads.Case c = new RandomReads.Case(4096, 8, 1, true, Long.MAX_VALUE / 2);
        RandomReads.Result r = RandomReads.run(file, c, 8L << 20, 1, 0.2);
        assertThat(r.nanos()).isBetween(150_000_000L, 5_000_000_000L);
        assertThat(r.ops()).isPositive();
    }

    @Test
    void bufferedReadsCannotQueue() {
        assertThatThrownBy(() -> new RandomReads.Case(4096, 32, 1, false, 10)).hasMessageContaining("needs O_DIRECT");
    }
}
