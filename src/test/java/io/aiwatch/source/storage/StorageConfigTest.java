package io.aiwatch.source.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aiwatch.collect.Collector;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StorageConfigTest {
    private final ObjectMapper yaml =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void emptySectionGivesDefaults() throws Exception {
        assertThat(yaml.readValue("{}", StorageConfig.class)).isEqualTo(StorageConfig.defaults());
    }

    @Test
    void readsKeysAsUsersWriteThem() throws Exception {
        StorageConfig c = yaml.readValue("""
                interval: 2s
                include_partitions: true
                proc_root: /host/proc
                sys_root: /host/sys
                rootfs: /host
                mount_timeout: 500ms
                fs_types_exclude: ^(tmpfs)$
                process_patterns: [vllm, sglang]
                max_processes: 8
                """, StorageConfig.class);
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.includePartitions()).isTrue();
        assertThat(c.procRoot()).isEqualTo(Path.of("/host/proc"));
        assertThat(c.rootfs()).isEqualTo(Path.of("/host"));
        assertThat(c.mountTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.fsTypesExclude()).isEqualTo("^(tmpfs)$");
        assertThat(c.mountPointsExclude()).isEqualTo(StorageConfig.DEFAULT_MOUNT_POINTS_EXCLUDE);
        assertThat(c.processPatterns()).containsExactly("vllm", "sglang");
        assertThat(c.maxProcesses()).isEqualTo(8);
    }

    @Test
    void rejectsUnknownKeysBadDurationsAndBadRegexes() {
        assertThatThrownBy(() -> yaml.readValue("intervall: 2s", StorageConfig.class))
                .hasMessageContaining("intervall");
        assertThatThrownBy(() -> yaml.readValue("interval: soon", StorageConfig.class))
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> yaml.readValue("fs_types_exclude: '^(tmpfs'", StorageConfig.class))
                .hasMessageContaining("storage.fs_types_exclude");
        assertThatThrownBy(() -> yaml.readValue("mount_timeout: 0s", StorageConfig.class))
                .hasMessageContaining("mount_timeout");
    }

    @Test
    void factoryBuildsFourIndependentCollectorsOrNoneWhenDisabled() throws Exception {
        List<Collector> all = StorageCollectors.create(StorageConfig.defaults(), Clock.systemUTC(), Set::of);
        assertThat(all)
                .extracting(Collector::name)
                .containsExactly("storage_disk", "storage_filesystem", "storage_zfs", "storage_process");
        for (Collector c : all) {
            c.close();
        }
        StorageConfig off = yaml.readValue("enabled: false", StorageConfig.class);
        assertThat(StorageCollectors.create(off, Clock.systemUTC(), Set::of)).isEmpty();
    }

    @Test
    void readsDurationsInTheDaemonsOneSyntax() throws Exception {
        assertThat(yaml.readValue("interval: 1.5s", StorageConfig.class).interval())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(yaml.readValue("interval: 1m30s", StorageConfig.class).interval())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(yaml.readValue("interval: 1h", StorageConfig.class).interval())
                .isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> yaml.readValue("mount_timeout: 2", StorageConfig.class))
                .hasMessageContaining("not a duration");
    }
}
