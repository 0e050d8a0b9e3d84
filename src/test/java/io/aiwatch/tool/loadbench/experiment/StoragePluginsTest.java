package io.aiwatch.tool.loadbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.tool.experiment.Condition;
import io.aiwatch.tool.experiment.ConditionContext;
import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.Plugins;
import io.aiwatch.tool.experiment.SampleView;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadContext;
import io.aiwatch.tool.experiment.WorkloadResult;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.ScratchDir;
import io.aiwatch.tool.loadbench.SyntheticModel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The storage workloads and the page-cache condition as the experiment runner drives them. */
class StoragePluginsTest {
    private static ScratchDir scratch;

    @BeforeAll
    static void scratch() {
        scratch = new ScratchDir();
    }

    @AfterAll
    static void clean() throws Exception {
        assertThat(TierPool.closeAll()).isEmpty();
        scratch.close();
    }

    private static Parameters params(Map<String, Object> m) {
        Map<String, Object> all = new HashMap<>(Map.of("dir", scratch.path.toString(), "size", "16m"));
        all.putAll(m);
        return new Parameters(all);
    }

    @Test
    void kindsAreFoundThroughTheServiceFiles() {
        Plugins p = Plugins.discover();
        assertThat(p.workload("model-load")).isInstanceOf(ModelLoadWorkloadType.class);
        assertThat(p.workload("dataset-read")).isInstanceOf(DatasetReadWorkloadType.class);
        assertThat(p.condition("page_cache_dropped")).isInstanceOf(PageCacheDroppedCondition.class);
    }

    @Test
    void validationNamesTheOffendingKey() {
        ModelLoadWorkloadType t = new ModelLoadWorkloadType();
        assertThatThrownBy(() -> t.validate(params(Map.of("method", "aio"))))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("buffered, direct, mmap");
        assertThatThrownBy(() -> t.validate(params(Map.of("tier", "nfs"))))
                .isInstanceOf(ParameterException.class)
                .extracting(e -> ((ParameterException) e).key())
                .isEqualTo("tier");
        assertThatThrownBy(() -> t.validate(params(Map.of("iodepth", 32)))).isInstanceOf(ParameterException.class);
        assertThatThrownBy(() -> new DatasetReadWorkloadType().validate(params(Map.of("iodepth", 32, "direct", false))))
                .hasMessageContaining("needs O_DIRECT");
        t.validate(params(Map.of("method", "mmap", "readers", 4, "cache", "warm")));
    }

    @Test
    void aColdModelLoadPutsLoaderFioAndDaemonSideBySide() throws Exception {
        Workload w = new ModelLoadWorkloadType().create(params(Map.of("method", "direct", "readers", 2, "nice", 0)));
        Condition cond = new PageCacheDroppedCondition().create(Parameters.empty());
        Parameters step = params(Map.of("method", "direct", "readers", 2, "nice", 0));
        Condition.Check check = cond.check(context(step));
        assertThat(check.holds()).as(check.observed()).isTrue();
        assertThat(check.observed()).contains("0.0 % of 16777216 bytes resident after fadvise");
        WorkloadResult r = w.run(new Context(1));
        assertThat(r.failure()).isNull();
        Map<String, Double> s = r.summary();
        assertThat(s.get("aiwatch_read_bytes")).isEqualTo(16.0 * (1 << 20));
        assertThat(s).containsKeys("aiwatch_bytes_per_s", "fio_bytes_per_s", "aiwatch_fio_ratio");
        assertThat(s.get("daemon_process_read_ratio")).isBetween(0.97, 1.03);
        assertThat(s.get("daemon_disk_read_ratio")).isBetween(0.97, 1.10);
        assertThat(r.records()).hasSize(2);
        assertThat(r.environment()).containsEntry("tier", "disk").containsKey("device_class");
    }

    @Test
    void randomReadsFillTheLatencyHistogram() throws Exception {
        Workload w = new DatasetReadWorkloadType()
                .create(params(Map.of("iodepth", 8, "ops", 200, "seconds", 5, "fio", false, "nice", 0)));
        WorkloadResult r = w.run(new Context(2));
        assertThat(r.histograms().get("read").getTotalCount()).isEqualTo(200);
        assertThat(r.summary())
                .containsKeys("aiwatch_iops_per_s", "aiwatch_p99_ms")
                .doesNotContainKey("fio_bytes_per_s");
    }

    @Test
    void aTierThatCannotBeMadeFailsTheIterationWithItsReason() throws Exception {
        Workload w = new ModelLoadWorkloadType().create(params(Map.of("tier", "zfs", "size", "17m")));
        WorkloadResult r = w.run(new Context(1));
        if (Files.readString(Path.of("/proc/filesystems")).contains("zfs")) {
            return; // a kernel with ZFS makes the pool instead
        }
        assertThat(r.failure()).startsWith("tier zfs: ");
    }

    @Test
    void warmStepsPassAndAFileOnTmpfsNeverGetsCold() throws Exception {
        Condition cond = new PageCacheDroppedCondition().create(Parameters.empty());
        assertThat(cond.check(context(params(Map.of("cache", "warm")))).holds()).isTrue();
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            return;
        }
        Path f = Files.createTempFile(shm, "aiwatch-cond", ".safetensors");
        try {
            SyntheticModel.write(f, 1 << 20, 1);
            Condition.Check c = cond.check(context(params(Map.of("file", f.toString()))));
            assertThat(c.holds()).isFalse();
            assertThat(c.observed()).contains("100.0 % of 1048576 bytes resident");
            assertThat(PageCache.residentBytes(f)).isEqualTo(1 << 20);
        } finally {
            Files.delete(f);
        }
    }

    private static ConditionContext context(Parameters step) {
        return new ConditionContext() {
            @Override
            public SampleView samples() {
                return SampleView.none();
            }

            @Override
            public Parameters stepParameters() {
                return step;
            }

            @Override
            public Path runDirectory() {
                return scratch.path;
            }

            @Override
            public Map<String, String> state() {
                return new HashMap<>();
            }
        };
    }

    private record Context(int iteration) implements WorkloadContext {
        @Override
        public Path outputDirectory() {
            return scratch.path;
        }

        @Override
        public Duration duration() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration warmup() {
            return Duration.ZERO;
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public String stepId() {
            return "s01";
        }

        @Override
        public long seed() {
            return 42;
        }

        @Override
        public void log(String line) {}

        @Override
        public SampleView samples() {
            return SampleView.none();
        }

        @Override
        public AutoCloseable recordEndpoint(String name, URI metricsUrl) {
            return () -> {};
        }

        @Override
        public AutoCloseable simulatedGpuLoad(DoubleSupplier load) {
            return () -> {};
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    }
}
