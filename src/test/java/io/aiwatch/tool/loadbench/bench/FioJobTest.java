package io.aiwatch.tool.loadbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadbench.ModelLoader;
import io.aiwatch.tool.loadbench.RandomReads;
import io.aiwatch.tool.loadbench.ReadMethod;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FioJobTest {
    private static final Path FILE = Path.of("/data/m.safetensors");

    @Test
    void sequentialTwinHasOneJobPerReaderShareWithTheLoadersFlags() {
        ModelLoader.Extent e = new ModelLoader.Extent(0, 10L << 20, 4L << 20, 3);
        FioJob job = FioJob.sequential(FILE, ReadMethod.DIRECT, e, 1 << 20, 2);
        assertThat(job.jobs())
                .containsExactly(
                        new FioJob.Range(0, 4L << 20),
                        new FioJob.Range(4L << 20, 4L << 20),
                        new FioJob.Range(8L << 20, 2L << 20));
        List<String> a = job.args("fio");
        assertThat(a)
                .contains(
                        "--filename=/data/m.safetensors",
                        "--rw=read",
                        "--bs=1048576",
                        "--direct=1",
                        "--ioengine=psync",
                        "--iodepth=1",
                        "--invalidate=0",
                        "--fadvise_hint=0",
                        "--loops=2",
                        "--thread",
                        "--group_reporting");
        assertThat(String.join(" ", a))
                .endsWith("--name=aiwatch0 --offset=0 --size=4194304 --name=aiwatch1 --offset=4194304 --size=4194304"
                        + " --name=aiwatch2 --offset=8388608 --size=2097152");
    }

    @Test
    void mmapTwinKeepsFiosSequentialHints() {
        ModelLoader.Extent e = new ModelLoader.Extent(0, 8L << 20, 8L << 20, 1);
        assertThat(FioJob.sequential(FILE, ReadMethod.MMAP, e, 1 << 20, 1).args("fio"))
                .contains("--ioengine=mmap", "--fadvise_hint=1", "--direct=0");
    }

    @Test
    void randomTwinReadsUniformOffsetsWithRepeatsForAFixedCountAndTime() {
        RandomReads.Case c = new RandomReads.Case(4096, 32, 2, true, 5000);
        FioJob job = FioJob.random(FILE, c, (1L << 30) + 100, 2.5);
        assertThat(job.jobs()).containsExactly(new FioJob.Range(0, 1L << 30), new FioJob.Range(0, 1L << 30));
        assertThat(job.args("fio"))
                .contains(
                        "--rw=randread",
                        "--ioengine=libaio",
                        "--iodepth=32",
                        "--norandommap",
                        "--randrepeat=0",
                        "--number_ios=5000",
                        "--io_size=20480000",
                        "--runtime=2500ms",
                        "--lat_percentiles=1");
    }

    @Test
    void mmapJobsAtAnOffsetAreRefusedUnderAFioWithTheOffsetBug() {
        ModelLoader.Extent two = new ModelLoader.Extent(0, 8L << 20, 4L << 20, 2);
        ModelLoader.Extent one = new ModelLoader.Extent(0, 8L << 20, 8L << 20, 1);
        assertThat(FioJob.sequential(FILE, ReadMethod.MMAP, two, 1 << 20, 1).feasible("fio-3.33"))
                .isFalse();
        assertThat(FioJob.sequential(FILE, ReadMethod.MMAP, one, 1 << 20, 1).feasible("fio-3.33"))
                .isTrue();
        assertThat(FioJob.sequential(FILE, ReadMethod.MMAP, two, 1 << 20, 1).feasible("fio-3.42"))
                .isTrue();
        assertThat(FioJob.sequential(FILE, ReadMethod.BUFFERED, two, 1 << 20, 1).feasible("fio-3.33"))
                .isTrue();
    }

    @Test
    void parsesFiosGroupResult() throws Exception {
        String out =
                "fio: note: something\n{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"aiwatch0\",\"error\":0,"
                        + "\"read\":{\"io_bytes\":1048576,\"bw_bytes\":2097152,\"runtime\":500,\"total_ios\":256,"
                        + "\"lat_ns\":{\"mean\":1500.5,\"percentile\":{\"50.000000\":1400,\"90.000000\":1800,"
                        + "\"99.000000\":2500,\"99.900000\":9000}}}}]}";
        Fio.Result r = Fio.parse(out, List.of("fio"));
        assertThat(r.bytesPerSecond()).isEqualTo(2097152.0);
        assertThat(r.iops()).isEqualTo(512.0);
        assertThat(r.latP99Nanos()).isEqualTo(2500);
        assertThat(r.latMeanNanos()).isEqualTo(1500.5);
    }
}
