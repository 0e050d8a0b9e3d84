package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code vllm:cache_config_info} carries current vLLM's label set (CacheConfig fields + engine). */
class CacheConfigInfoTest {
    static List<String> referenceNames() throws Exception {
        return Files.readAllLines(Path.of("src/test/resources/reference/vllm/cache_config_info_labels.txt")).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    private static Labels exposed(SimulatorConfig c) {
        MetricFamily f = new EngineMetrics(c, 0)
                .families().stream()
                        .filter(x -> x.name().equals("vllm:cache_config_info"))
                        .findFirst()
                        .orElseThrow();
        assertThat(f.samples())
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
        return f.samples().get(0).labels();
    }

    @Test
    void labelNamesAreCurrentVllmsCacheConfigFieldsPlusEngineSorted() throws Exception {
        Labels l = exposed(SimulatorConfig.defaults());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            names.add(l.name(i));
        }
        List<String> expected = new ArrayList<>(referenceNames());
        assertThat(expected).hasSize(36).contains("engine", "kv_cache_size_tokens", "_block_size_resolved");
        expected.sort(null);
        assertThat(names).containsExactlyElementsOf(expected);
        // Names of vLLM before the CacheConfig rework are gone.
        assertThat(names).doesNotContain("swap_space_bytes", "cpu_offload_gb", "calculate_kv_scales");
    }

    @Test
    void valuesFollowTheSimulatorsKvCacheAndPythonsStr() {
        SimulatorConfig d = SimulatorConfig.defaults();
        Labels l = exposed(d);
        assertThat(l.get("block_size")).isEqualTo(Integer.toString(d.blockSize()));
        assertThat(l.get("num_gpu_blocks")).isEqualTo(Integer.toString(d.kvBlocks()));
        assertThat(l.get("kv_cache_size_tokens")).isEqualTo(Long.toString((long) d.kvBlocks() * d.blockSize()));
        assertThat(l.get("engine")).isEqualTo("0");
        assertThat(l.get("enable_prefix_caching")).isEqualTo("True");
        assertThat(l.get("num_cpu_blocks")).isEqualTo("None");
        assertThat(l.get("kv_cache_dtype_skip_layers")).isEqualTo("[]");
        assertThat(l.get("kv_cache_max_concurrency")).matches("\\d+\\.\\d+");
        assertThat(CacheConfigInfo.pyFloat(16)).isEqualTo("16.0");
        assertThat(CacheConfigInfo.pyFloat(12.5)).isEqualTo("12.5");
    }
}
