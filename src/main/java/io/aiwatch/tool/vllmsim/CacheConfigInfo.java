package io.aiwatch.tool.vllmsim;

import io.aiwatch.collect.Labels;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels of {@code vllm:cache_config_info}: current vLLM exposes every field of its
 * {@code CacheConfig} ({@code metrics_info()}, values as Python's {@code str()}) plus
 * {@code engine}, on a gauge fixed at 1. The simulator reports the values a default single-engine
 * start of current vLLM has once the KV cache is sized (block size, block count and KV capacity
 * from the simulator's settings; prefix caching as configured, on by default as in vLLM). Names are sorted, as
 * prometheus_client prints them.
 */
final class CacheConfigInfo {
    /** vLLM's {@code CacheConfig.DEFAULT_BLOCK_SIZE}: a different block size was given by the user. */
    private static final int DEFAULT_BLOCK_SIZE = 16;

    private CacheConfigInfo() {}

    static Labels labels(SimulatorConfig config) {
        long kvTokens = (long) config.kvBlocks() * config.blockSize();
        Map<String, String> m = new TreeMap<>();
        m.put("block_size", Integer.toString(config.blockSize()));
        m.put("user_specified_block_size", pyBool(config.blockSize() != DEFAULT_BLOCK_SIZE));
        m.put("user_specified_mamba_block_size", "False");
        m.put("kv_cache_layout", "None");
        m.put("prefix_match_unit", "None");
        m.put("gpu_memory_utilization", "0.92");
        m.put("cache_dtype", "auto");
        m.put("is_attention_free", "False");
        m.put("num_gpu_blocks_override", "None");
        m.put("sliding_window", "None");
        m.put("enable_prefix_caching", pyBool(config.enablePrefixCaching()));
        m.put("prefix_caching_hash_algo", "sha256");
        m.put("attn_group_size", "None");
        m.put("prefix_cache_retention_interval", "0");
        m.put("kv_cache_dtype_skip_layers", "[]");
        m.put("mamba_page_size_padded", "None");
        m.put("skip_page_size_padded", "None");
        m.put("mamba_block_size", "None");
        m.put("mamba_cache_dtype", "auto");
        m.put("mamba_ssm_cache_dtype", "auto");
        m.put("mamba_cache_mode", "none");
        m.put("enable_mamba_fine_grained_prefix_cache", "False");
        m.put("replayssm_buffer_len", "16");
        m.put("use_replayssm", "False");
        m.put("use_kda_recoverssm", "False");
        m.put("num_gpu_blocks", Integer.toString(config.kvBlocks()));
        m.put("num_cpu_blocks", "None");
        m.put("effective_attention_block_size", Integer.toString(config.blockSize()));
        m.put("kv_cache_size_tokens", Long.toString(kvTokens));
        m.put("kv_cache_max_concurrency", pyFloat((double) kvTokens / config.maxModelLen()));
        m.put("kv_sharing_fast_prefill", "False");
        m.put("kv_cache_memory_bytes", "None");
        m.put("kv_offloading_size", "None");
        m.put("kv_offloading_backend", "native");
        m.put("_block_size_resolved", "True");
        m.put("engine", "0");
        String[] kv = new String[m.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            kv[i++] = e.getKey();
            kv[i++] = e.getValue();
        }
        return Labels.of(kv);
    }

    private static String pyBool(boolean b) {
        return b ? "True" : "False";
    }

    /** Python's {@code str(float)} for the values used here: {@code 16.0}, {@code 12.5}. */
    static String pyFloat(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return (long) v + ".0";
        }
        return Double.toString(v);
    }
}
