package io.aiwatch.source.storage;

import static io.aiwatch.source.storage.Fixtures.family;
import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Snapshot;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessIoCollectorTest {
    private final ParseErrors errors = new ParseErrors();

    private StorageConfig config(int max) {
        StorageConfig c = Fixtures.config();
        return new StorageConfig(
                true,
                c.interval(),
                false,
                c.diskExclude(),
                c.procRoot(),
                c.sysRoot(),
                c.rootfs(),
                c.mountTimeout(),
                c.fsTypesExclude(),
                c.mountPointsExclude(),
                List.of("vllm"),
                max);
    }

    @Test
    void tracksGpuProcessesAndVllmByCommandLine() throws Exception {
        Snapshot s = new ProcessIoCollector(config(32), errors, () -> Set.of(2000L)).collect();
        var read = family(s, "aiwatch_process_storage_read_bytes_total").samples();
        assertThat(read)
                .extracting(x -> x.labels().toString())
                .containsExactly(
                        "{pid=\"2000\",comm=\"trtllm-serve\",match=\"gpu\"}",
                        "{pid=\"1234\",comm=\"python3\",match=\"pattern\"}");
        assertThat(read).extracting(x -> x.value()).containsExactly(1048576.0, 3221225472.0);
        assertThat(family(s, "aiwatch_process_read_syscall_bytes_total")
                        .samples()
                        .get(1)
                        .value())
                .isEqualTo(4e9);
        assertThat(family(s, "aiwatch_process_storage_written_bytes_total")
                        .samples()
                        .get(1)
                        .value())
                .isEqualTo(4096.0);
    }

    @Test
    void matchesVllmEngineWorkersByCommWhenCmdlineIsEmptyAndCountsTheirBadIoFile() throws Exception {
        Snapshot s = new ProcessIoCollector(config(32), errors, Set::of).collect();
        // pid 4000 (comm VLLM::EngineCor) matches case-insensitively but its io file is garbage: counted, skipped.
        assertThat(family(s, "aiwatch_process_io_candidates").samples().get(0).value())
                .isEqualTo(2.0);
        assertThat(family(s, "aiwatch_process_storage_read_bytes_total").samples())
                .hasSize(1);
        assertThat(errors.count("pid/io")).isEqualTo(2);
    }

    @Test
    void boundsTheNumberOfProcessesGpuUsersFirst() throws Exception {
        Snapshot s = new ProcessIoCollector(config(1), errors, () -> Set.of(2000L)).collect();
        assertThat(family(s, "aiwatch_process_storage_read_bytes_total").samples())
                .singleElement()
                .satisfies(x -> assertThat(x.labels().get("pid")).isEqualTo("2000"));
        assertThat(family(s, "aiwatch_process_io_candidates").samples().get(0).value())
                .isEqualTo(3.0);
    }

    @Test
    void ignoresAGpuPidThatHasAlreadyExited() throws Exception {
        Snapshot s = new ProcessIoCollector(config(32), errors, () -> Set.of(999999L)).collect();
        assertThat(family(s, "aiwatch_process_storage_read_bytes_total").samples())
                .extracting(x -> x.labels().get("pid"))
                .containsExactly("1234");
    }

    @Test
    void stillTracksPatternMatchesWhenTheGpuSideFails() throws Exception {
        Snapshot s = new ProcessIoCollector(config(32), errors, () -> {
                    throw new IllegalStateException("NVML gone");
                })
                .collect();
        assertThat(family(s, "aiwatch_process_storage_read_bytes_total").samples())
                .extracting(x -> x.labels().get("pid"))
                .containsExactly("1234");
    }
}
